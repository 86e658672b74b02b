import { parseGatewayList } from '../../../lib/delivery/parseGatewayList';
import { badRequest } from '../../host/api/ApiError';
import { bool, object } from '../../host/api/schemas';
import { API, type AdminContext } from '../AdminContext';
import { buildAdminStatus } from '../status/buildAdminStatus';
import { validateCredentialUpload, type ICredentialUpload, type SettingWrite } from '../credentials/validateCredentialUpload';
import { applySettingWrites } from './applySettingWrites';

const text = (maxLength: number) => ({ type: 'string', maxLength });

interface ModeBody {
  mode: 'gateway' | 'direct';
  /** Replaces Push_gateway (tried in order). */
  gateways?: string[];
  /** Replaces Push_gateway_token; `''` clears it; absent keeps it. */
  gatewayToken?: string;
}

/**
 * `GET push.admin.status`, `POST push.admin.mode`, `POST push.admin.credentials` (admins only). Changes apply
 * on the next push: the transport is rebuilt from the new settings, no restart needed.
 */
export function registerConfigurationRoutes(ctx: AdminContext, adminOnly: object): void {
  const { host } = ctx;
  const app = host.http;

  app.get(`${API}/push.admin.status`, adminOnly, async () => ({ success: true, ...(await buildAdminStatus(ctx)) }));

  app.post<{ Body: ModeBody }>(
    `${API}/push.admin.mode`,
    {
      ...adminOnly,
      schema: {
        body: object(
          {
            mode: { type: 'string', enum: ['gateway', 'direct'] },
            gateways: { type: 'array', items: text(2048), maxItems: 10 },
            gatewayToken: text(1024),
          },
          ['mode'],
        ),
      },
    },
    async (request) => {
      const { mode, gateways, gatewayToken } = request.body;
      const writes: SettingWrite[] = [];
      const gatewayText = gateways?.map((line) => line.trim()).filter((line) => line !== '').join('\n') ?? host.settings.pushSettings().Push_gateway;
      const parsed = parseGatewayList(gatewayText);
      if (gateways !== undefined && parsed.invalidLines.length > 0) {
        throw badRequest('error-invalid-gateway-url', `Gateway ${parsed.invalidLines.join(', ')} is not an http(s) URL (without credentials, query or fragment); nothing was changed.`);
      }
      if (mode === 'gateway' && parsed.urls.length === 0) {
        throw badRequest('error-invalid-gateway-url', 'Gateway mode needs at least one gateway URL; nothing was changed.');
      }
      if (gateways !== undefined) writes.push(['Push_gateway', gatewayText]);
      if (gatewayToken !== undefined) writes.push(['Push_gateway_token', gatewayToken.trim()]);
      writes.push(['Push_enable_gateway', mode === 'gateway']);
      const saved = await applySettingWrites(host.settings, writes);
      request.log.info({ by: request.user?._id, mode, saved }, 'push delivery mode changed by an admin');
      return { success: true, saved, status: await buildAdminStatus(ctx) };
    },
  );

  const apnsSchema = object(
    {
      type: { type: 'string', enum: ['token', 'certificate'] },
      p8: text(16_384),
      keyId: text(64),
      teamId: text(64),
      cert: text(65_536),
      key: text(65_536),
      passphrase: text(1024),
      production: bool,
    },
    ['type'],
  );
  app.post<{ Body: CredentialsBody }>(
    `${API}/push.admin.credentials`,
    {
      ...adminOnly,
      schema: {
        body: object({ apns: apnsSchema, fcm: object({ serviceAccount: text(65_536) }, ['serviceAccount']) }, [], { minProperties: 1 }),
      },
    },
    async (request) => {
      const upload = toUpload(request.body);
      const checked = validateCredentialUpload(upload, ctx.clock());
      if (!checked.ok) throw badRequest(checked.errorType, `${checked.message} Nothing was changed.`);
      const saved = await applySettingWrites(host.settings, checked.writes);
      // This server's simulators stand in for Apple and Google until the next start: make them accept the new
      // credentials, so a test push right after the upload goes through instead of failing on a key they never saw.
      const simulators = ctx.plugin.simulators;
      if (simulators) {
        if (checked.trust.apnsSigningKey) simulators.apns.registerSigningKey(checked.trust.apnsSigningKey);
        if (checked.trust.apnsCertificate) simulators.apns.registerClientCertificate(checked.trust.apnsCertificate);
        if (checked.trust.serviceAccount) simulators.fcm.registerServiceAccount(checked.trust.serviceAccount);
      }
      request.log.info({ by: request.user?._id, saved }, 'push credentials uploaded by an admin');
      return {
        success: true,
        saved,
        simulated: simulators !== undefined,
        status: await buildAdminStatus(ctx),
      };
    },
  );
}

/** The request body as the schema lets it through: every text field optional. */
interface CredentialsBody {
  apns?: { type: 'token' | 'certificate'; p8?: string; keyId?: string; teamId?: string; cert?: string; key?: string; passphrase?: string; production?: boolean };
  fcm?: { serviceAccount: string };
}

/** Absent text fields are empty ones: the validator then says which one is missing, in words. */
function toUpload(body: CredentialsBody): ICredentialUpload {
  const upload: ICredentialUpload = {};
  const { apns, fcm } = body;
  if (apns) {
    upload.apns =
      apns.type === 'token'
        ? { type: 'token', p8: apns.p8 ?? '', keyId: apns.keyId ?? '', teamId: apns.teamId ?? '', production: apns.production }
        : { type: 'certificate', cert: apns.cert ?? '', key: apns.key ?? '', passphrase: apns.passphrase ?? '', production: apns.production };
  }
  if (fcm) upload.fcm = { serviceAccount: fcm.serviceAccount };
  return upload;
}
