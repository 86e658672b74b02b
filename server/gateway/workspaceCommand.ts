import { readFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { PushError } from '../../lib/errors';
import { startEmbeddedMongo } from '../embedded-mongo';
import { readGatewayEnv, type Env, type IGatewayEnvConfig } from './gatewayEnv';
import type { IWorkspaceChanges } from './models/WorkspacesModel';
import { UsageModel } from './models/UsageModel';
import { WorkspacesModel } from './models/WorkspacesModel';
import { adminTokenFile, databaseNameOf } from './startGateway';
import type { IRateLimit, IWorkspaceView } from './types';
import { WorkspaceAdmin, type IAddWorkspaceInput, type IIssuedWorkspace } from './WorkspaceAdmin';

/** What the workspace commands need: the admin operations, over the database or a running gateway's admin API. */
export interface IWorkspaceBackend {
  readonly description: string;
  add(input: IAddWorkspaceInput): Promise<IIssuedWorkspace>;
  list(): Promise<IWorkspaceView[]>;
  get(id: string): Promise<IWorkspaceView>;
  update(id: string, changes: IWorkspaceChanges): Promise<IWorkspaceView>;
  rotate(id: string): Promise<IIssuedWorkspace>;
  revoke(id: string): Promise<IWorkspaceView>;
  remove(id: string): Promise<void>;
  close(): Promise<void>;
}

export const WORKSPACE_USAGE = `usage: node dist/server/gateway/cli.js workspace <command> [options]

  add --name NAME [--id UNIQUE_ID] [--quota N|unlimited] [--topics a,b] [--rate PER_SECOND --burst N]
        Registers a workspace and prints its id and bearer token (shown once). --id is the workspace's
        uniqueID setting; without it the first push binds the workspace to its uniqueId.
  list                                  Workspaces with quota and this month's usage.
  show ID
  set ID [--name NAME] [--quota N|unlimited|default] [--topics a,b|any] [--rate PER_SECOND --burst N|--rate default]
         [--unique-id ID|none]
  rotate ID                             A new token (printed once); the old one stops working.
  revoke ID                             Refuses the workspace's pushes from now on (401).
  delete ID                             Deletes the workspace.

  --json prints JSON. With MONGO_URL the commands work on that database; without it they use the running
  gateway's admin API (GATEWAY_URL, else http://GATEWAY_HOST:GATEWAY_PORT, with GATEWAY_ADMIN_TOKEN or the
  generated token file), or the embedded database's files when no gateway is running.
`;

interface ParsedArgs {
  command: string;
  positional: string[];
  flags: Map<string, string>;
  json: boolean;
}

function usageError(message: string): PushError {
  return new PushError('PUSH_ERR_INVALID_INPUT', [`${message}\n\n${WORKSPACE_USAGE}`]);
}

export function parseWorkspaceArgs(argv: string[]): ParsedArgs {
  const [command = 'help', ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string>();
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--json') {
      json = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2);
      const value = inline ?? rest[++i];
      if (value === undefined) throw usageError(`missing value for --${name}`);
      flags.set(name, value);
    } else {
      positional.push(arg);
    }
  }
  return { command, positional, flags, json };
}

function quotaFlag(value: string): number | null {
  if (value === 'unlimited') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw usageError(`--quota must be an integer >= 0 or "unlimited", got "${value}"`);
  return n;
}

function rateFlag(flags: Map<string, string>): IRateLimit | undefined {
  const rate = flags.get('rate');
  if (rate === undefined) return undefined;
  const perSecond = Number(rate);
  const burst = Number(flags.get('burst') ?? Math.max(1, Math.ceil(perSecond * 2)));
  if (!Number.isFinite(perSecond) || perSecond < 0 || !Number.isInteger(burst) || burst < 1) throw usageError('--rate must be a number >= 0 and --burst an integer >= 1');
  return { perSecond, burst };
}

function topicsFlag(value: string): string[] {
  return value.split(',').map((t) => t.trim()).filter(Boolean);
}

/** Runs one `workspace` command; returns the process exit code. */
export async function runWorkspaceCommand(
  argv: string[],
  io: { env?: Env; stdout?: (text: string) => void; backend?: IWorkspaceBackend } = {},
): Promise<number> {
  const out = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const args = parseWorkspaceArgs(argv);
  if (args.command === 'help' || args.command === '--help') {
    out(WORKSPACE_USAGE);
    return 0;
  }
  const id = () => {
    const value = args.positional[0];
    if (!value) throw usageError(`workspace ${args.command} needs a workspace id`);
    return value;
  };
  const env = io.env ?? process.env;
  const backend = io.backend ?? (await openWorkspaceBackend(readGatewayEnv(env), env));
  try {
    switch (args.command) {
      case 'add': {
        const name = args.flags.get('name');
        if (!name) throw usageError('workspace add needs --name');
        const input: IAddWorkspaceInput = { name };
        if (args.flags.has('id')) input.id = args.flags.get('id');
        if (args.flags.has('quota')) input.monthlyQuota = quotaFlag(args.flags.get('quota')!);
        if (args.flags.has('topics')) input.topics = topicsFlag(args.flags.get('topics')!);
        const rate = rateFlag(args.flags);
        if (rate) input.rateLimit = rate;
        printIssued(out, await backend.add(input), args.json, 'registered');
        return 0;
      }
      case 'list': {
        const list = await backend.list();
        if (args.json) out(`${JSON.stringify({ workspaces: list }, null, 2)}\n`);
        else out(formatTable(list));
        return 0;
      }
      case 'show':
        printView(out, await backend.get(id()), args.json);
        return 0;
      case 'set': {
        const changes: IWorkspaceChanges = {};
        if (args.flags.has('name')) changes.name = args.flags.get('name');
        const quota = args.flags.get('quota');
        if (quota === 'default') changes.resetQuota = true;
        else if (quota !== undefined) changes.monthlyQuota = quotaFlag(quota);
        const topics = args.flags.get('topics');
        if (topics !== undefined) changes.topics = topics === 'any' ? null : topicsFlag(topics);
        if (args.flags.get('rate') === 'default') changes.rateLimit = null;
        else if (args.flags.has('rate')) changes.rateLimit = rateFlag(args.flags);
        const uniqueId = args.flags.get('unique-id');
        if (uniqueId !== undefined) changes.uniqueId = uniqueId === 'none' ? null : uniqueId;
        if (Object.keys(changes).length === 0) throw usageError('workspace set needs at least one change');
        printView(out, await backend.update(id(), changes), args.json);
        return 0;
      }
      case 'rotate':
        printIssued(out, await backend.rotate(id()), args.json, 'token rotated');
        return 0;
      case 'revoke':
        printView(out, await backend.revoke(id()), args.json);
        return 0;
      case 'delete':
        await backend.remove(id());
        out(args.json ? `${JSON.stringify({ deleted: true })}\n` : `workspace ${id()} deleted\n`);
        return 0;
      default:
        throw usageError(`unknown workspace command "${args.command}"`);
    }
  } finally {
    await backend.close();
  }
}

function printIssued(out: (text: string) => void, issued: IIssuedWorkspace, json: boolean, what: string): void {
  if (json) {
    out(`${JSON.stringify(issued, null, 2)}\n`);
    return;
  }
  const w = issued.workspace;
  out(
    `workspace ${what}: ${w.name}\n` +
      `  id:    ${w.id}\n` +
      `  token: ${issued.token}\n` +
      `  quota: ${w.monthlyQuota === null ? 'unlimited' : `${w.monthlyQuota}/month`}${w.quotaSource === 'default' ? ' (default)' : ''}\n` +
      `\nThe token is shown only now. On the workspace set Push_enable_gateway=true, Push_gateway=<this gateway's URL>,\n` +
      `Push_gateway_token=<the token>${w.uniqueId ? ` and make sure its uniqueID is ${w.uniqueId}` : ''}.\n`,
  );
}

function printView(out: (text: string) => void, w: IWorkspaceView, json: boolean): void {
  out(json ? `${JSON.stringify({ workspace: w }, null, 2)}\n` : formatTable([w]));
}

function formatTable(list: IWorkspaceView[]): string {
  if (list.length === 0) return 'no workspaces\n';
  const rows = [
    ['ID', 'NAME', 'STATUS', 'UNIQUE ID', `USED (${list[0].month})`, 'QUOTA', 'TOPICS'],
    ...list.map((w) => [
      w.id,
      w.name,
      w.status,
      w.uniqueId ?? '(first push)',
      String(w.usage),
      w.monthlyQuota === null ? 'unlimited' : String(w.monthlyQuota),
      w.topics ? w.topics.join(',') : 'any',
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

/**
 * The backend for this environment: MONGO_URL → the database; else a running gateway's admin API; else (no
 * gateway answers) the embedded database's snapshot files, opened for the duration of the command.
 */
export async function openWorkspaceBackend(config: IGatewayEnvConfig, env: Env = process.env): Promise<IWorkspaceBackend> {
  if (config.mongoUrl) {
    const client = new MongoClient(config.mongoUrl, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    return databaseBackend(client.db(databaseNameOf(config.mongoUrl) ?? config.dbName), config, `database ${config.dbName}`, () => client.close());
  }
  const dialHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const base = (env.GATEWAY_URL?.trim() || `http://${dialHost.includes(':') ? `[${dialHost}]` : dialHost}:${config.port}`).replace(/\/+$/, '');
  if (await answers(base)) {
    const token = config.adminToken ?? readAdminTokenFile(config.dataDir);
    if (!token) throw new PushError('PUSH_ERR_GATEWAY_CONFIG_INVALID', [`a gateway runs at ${base} but no admin token is known: set GATEWAY_ADMIN_TOKEN`]);
    return httpBackend(base, token);
  }
  if (!config.embeddedDbPath) {
    throw new PushError('PUSH_ERR_GATEWAY_CONFIG_INVALID', [`no gateway answers at ${base} and the embedded database is memory-only: start the gateway, or set MONGO_URL`]);
  }
  const embedded = await startEmbeddedMongo({ port: 0, dbPath: config.embeddedDbPath });
  const client = new MongoClient(embedded.url);
  await client.connect();
  return databaseBackend(client.db(config.dbName), config, `embedded database ${config.embeddedDbPath}`, async () => {
    await client.close();
    await embedded.stop();
  });
}

function databaseBackend(db: import('mongodb').Db, config: IGatewayEnvConfig, description: string, close: () => Promise<void>): IWorkspaceBackend {
  const workspaces = new WorkspacesModel(db);
  const admin = new WorkspaceAdmin({
    workspaces,
    usage: new UsageModel(db),
    defaultMonthlyQuota: () => config.settings.defaultMonthlyQuota,
    clock: () => new Date(),
  });
  return {
    description,
    add: async (input) => {
      await workspaces.ensureIndexes();
      return admin.add(input);
    },
    list: () => admin.list(),
    get: (id) => admin.get(id),
    update: (id, changes) => admin.update(id, changes),
    rotate: (id) => admin.rotate(id),
    revoke: (id) => admin.revoke(id),
    remove: (id) => admin.remove(id),
    close,
  };
}

function httpBackend(base: string, token: string): IWorkspaceBackend {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const message = typeof json.message === 'string' ? json.message : `HTTP ${response.status}`;
      if (response.status === 404) throw new PushError('PUSH_ERR_NOT_FOUND', [message.replace(/ not found$/, '')]);
      if (response.status === 409) throw new PushError('PUSH_ERR_INVALID_INPUT', [message]);
      throw new PushError('PUSH_ERR_INVALID_INPUT', [`the gateway's admin API answered ${response.status}: ${message}`]);
    }
    return json as T;
  };
  const id = (value: string) => encodeURIComponent(value);
  return {
    description: `admin API at ${base}`,
    add: (input) => call<IIssuedWorkspace>('POST', '/admin/workspaces', input),
    list: async () => (await call<{ workspaces: IWorkspaceView[] }>('GET', '/admin/workspaces')).workspaces,
    get: async (w) => (await call<{ workspace: IWorkspaceView }>('GET', `/admin/workspaces/${id(w)}`)).workspace,
    update: async (w, changes) => {
      const body: Record<string, unknown> = {};
      if (changes.name !== undefined) body.name = changes.name;
      if (changes.resetQuota) body.monthlyQuota = 'default';
      else if (changes.monthlyQuota !== undefined) body.monthlyQuota = changes.monthlyQuota;
      if (changes.topics !== undefined) body.topics = changes.topics;
      if (changes.rateLimit !== undefined) body.rateLimit = changes.rateLimit;
      if (changes.uniqueId !== undefined) body.uniqueId = changes.uniqueId;
      return (await call<{ workspace: IWorkspaceView }>('PATCH', `/admin/workspaces/${id(w)}`, body)).workspace;
    },
    rotate: (w) => call<IIssuedWorkspace>('POST', `/admin/workspaces/${id(w)}/rotate`),
    revoke: async (w) => (await call<{ workspace: IWorkspaceView }>('POST', `/admin/workspaces/${id(w)}/revoke`)).workspace,
    remove: async (w) => {
      await call('DELETE', `/admin/workspaces/${id(w)}?purge=true`);
    },
    close: async () => undefined,
  };
}

async function answers(base: string): Promise<boolean> {
  try {
    await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

function readAdminTokenFile(dataDir: string): string | undefined {
  try {
    return readFileSync(adminTokenFile(dataDir), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
