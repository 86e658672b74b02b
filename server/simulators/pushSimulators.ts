/**
 * Both simulators at once with fresh credentials already trusted: what `npm start` (zero-config), the integration
 * tests and the benchmark need. The credentials are the simulators' own throwaway ones and are handed to the
 * transports the same way real ones would be.
 */

import { startApnsSimulator, type ApnsSimulator, type ApnsSimulatorOptions } from './apnsSimulator';
import { generateApnsClientCertificate, type ApnsClientCertificate } from './certificates';
import { generateApnsSigningKey, generateServiceAccount, type ServiceAccountJson } from './credentials';
import { startFcmSimulator, type FcmSimulator, type FcmSimulatorOptions } from './fcmSimulator';

export interface PushSimulatorsOptions {
  apns?: ApnsSimulatorOptions & {
    /** Also generate and trust an Apple-like client certificate for this topic (certificate auth). */
    certificateTopic?: string;
  };
  fcm?: FcmSimulatorOptions & {
    /** Project of the generated service account (default `chat-push-simulator`). */
    projectId?: string;
  };
}

export interface PushSimulatorCredentials {
  apns: {
    p8: string;
    keyId: string;
    teamId: string;
    /** PEM to trust for the endpoint (`PUSH_APN_CA`). */
    ca: string;
    /** `https://127.0.0.1:<port>` (`PUSH_APN_ENDPOINT`). */
    endpoint: string;
    /** node-apn `address` / `port`. */
    address: string;
    port: number;
    certificate?: ApnsClientCertificate;
  };
  fcm: {
    serviceAccount: ServiceAccountJson;
    projectId: string;
    /** `http://127.0.0.1:<port>` (`PUSH_FCM_ENDPOINT`). */
    endpoint: string;
  };
}

export interface PushSimulators {
  apns: ApnsSimulator;
  fcm: FcmSimulator;
  credentials: PushSimulatorCredentials;
  stop(): Promise<void>;
}

export const DEFAULT_SIMULATOR_PROJECT_ID = 'chat-push-simulator';

export async function startPushSimulators(options: PushSimulatorsOptions = {}): Promise<PushSimulators> {
  const { certificateTopic, ...apnsOptions } = options.apns ?? {};
  const { projectId = DEFAULT_SIMULATOR_PROJECT_ID, ...fcmOptions } = options.fcm ?? {};
  const signingKey = generateApnsSigningKey();
  const certificate = certificateTopic ? generateApnsClientCertificate(certificateTopic, { teamId: signingKey.teamId }) : undefined;

  const apns = await startApnsSimulator({
    ...apnsOptions,
    signingKeys: [...(apnsOptions.signingKeys ?? []), signingKey],
    clientCertificates: [...(apnsOptions.clientCertificates ?? []), ...(certificate ? [certificate.certPem] : [])],
  });
  let fcm: FcmSimulator;
  try {
    fcm = await startFcmSimulator(fcmOptions);
  } catch (error) {
    await apns.stop();
    throw error;
  }
  const serviceAccount = generateServiceAccount({ projectId, tokenUri: fcm.tokenUri });
  fcm.registerServiceAccount(serviceAccount);

  return {
    apns,
    fcm,
    credentials: {
      apns: { ...signingKey, ca: apns.ca, endpoint: apns.endpoint, address: apns.address, port: apns.port, certificate },
      fcm: { serviceAccount, projectId, endpoint: fcm.endpoint },
    },
    stop: async () => {
      await Promise.all([apns.stop(), fcm.stop()]);
    },
  };
}
