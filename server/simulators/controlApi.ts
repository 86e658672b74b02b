/**
 * The `/_sim/...` control API both simulators serve next to their provider endpoints, so tests in other processes,
 * the benchmark and the admin page can read inboxes and inject faults with plain fetch/curl. It needs no provider
 * credentials and is only reached when the path starts with `/_sim/`; the simulators listen on loopback by default.
 * Protocol-agnostic: the HTTP/1.1 and HTTP/2 adapters hand in method, URL and body text.
 */

import type { Readable } from 'stream';
import { isPushError } from '../../lib/errors';
import type { FaultController, FaultSettings } from './faults';

export const CONTROL_PREFIX = '/_sim/';

export interface ControlTarget {
  readonly faults: FaultController;
  inbox(token?: string): unknown[];
  clear(token?: string): number;
  stats(): object;
  registerDevice(token: string, options: Record<string, string | undefined>): void;
}

export interface ControlResponse {
  status: number;
  body: unknown;
}

const DEFAULT_INBOX_LIMIT = 1000;

function parseJsonBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SyntaxError('body must be a JSON object');
  return value as Record<string, unknown>;
}

function stringList(value: unknown, label: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((t) => typeof t !== 'string')) {
    throw new SyntaxError(`${label} must be a non-empty array of strings`);
  }
  return value as string[];
}

/** Routes one control request. Never throws: bad input becomes a 400 with `{error}`. */
export function handleControlRequest(target: ControlTarget, method: string, url: string, bodyText: string): ControlResponse {
  const parsedUrl = new URL(url, 'http://simulator');
  const route = parsedUrl.pathname.slice(CONTROL_PREFIX.length).replace(/\/+$/, '');
  const query = parsedUrl.searchParams;
  const token = query.get('token') ?? undefined;
  try {
    switch (`${method} ${route}`) {
      case 'GET stats':
        return { status: 200, body: target.stats() };
      case 'GET inbox': {
        const all = target.inbox(token);
        const limit = query.has('limit') ? Math.max(0, Number(query.get('limit')) || 0) : DEFAULT_INBOX_LIMIT;
        // The most recent ones: that is what a person looking at an inbox wants to see.
        return { status: 200, body: { total: all.length, pushes: limit >= all.length ? all : all.slice(all.length - limit) } };
      }
      case 'DELETE inbox':
        return { status: 200, body: { cleared: target.clear(token) } };
      case 'GET faults':
        return { status: 200, body: target.faults.snapshot() };
      case 'POST faults':
        target.faults.set(parseJsonBody(bodyText) as FaultSettings);
        return { status: 200, body: target.faults.snapshot() };
      case 'DELETE faults':
        target.faults.clear();
        return { status: 200, body: target.faults.snapshot() };
      case 'POST dead-tokens': {
        const body = parseJsonBody(bodyText);
        const tokens = stringList(body.tokens, 'tokens');
        if (body.reason !== undefined && body.reason !== 'Unregistered' && body.reason !== 'ExpiredToken') {
          throw new SyntaxError('reason must be Unregistered or ExpiredToken');
        }
        target.faults.markDead(tokens, { reason: body.reason as string | undefined });
        return { status: 200, body: { deadTokens: target.faults.snapshot().deadTokens } };
      }
      case 'DELETE dead-tokens': {
        const tokens = stringList(parseJsonBody(bodyText).tokens, 'tokens');
        target.faults.set({ reviveTokens: tokens });
        return { status: 200, body: { deadTokens: target.faults.snapshot().deadTokens } };
      }
      case 'POST devices': {
        const body = parseJsonBody(bodyText);
        const tokens = stringList(body.tokens, 'tokens');
        const options: Record<string, string | undefined> = {};
        for (const key of ['topic', 'projectId']) {
          if (body[key] !== undefined && typeof body[key] !== 'string') throw new SyntaxError(`${key} must be a string`);
          options[key] = body[key] as string | undefined;
        }
        for (const t of tokens) target.registerDevice(t, options);
        return { status: 200, body: { registered: tokens.length } };
      }
      default: {
        const known = ['stats', 'inbox', 'faults', 'dead-tokens', 'devices'];
        return known.includes(route)
          ? { status: 405, body: { error: `${method} is not supported on ${CONTROL_PREFIX}${route}` } }
          : { status: 404, body: { error: `unknown control path ${parsedUrl.pathname}` } };
      }
    }
  } catch (error) {
    if (error instanceof SyntaxError || isPushError(error, 'PUSH_ERR_INVALID_INPUT')) {
      return { status: 400, body: { error: (error as Error).message } };
    }
    return { status: 500, body: { error: 'control request failed' } };
  }
}

/** Reads a request body as text, keeping at most `limit` bytes (the rest is drained and counted). */
export function readBody(stream: Readable, limit: number): Promise<{ text: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      if (bytes + chunk.length <= limit) chunks.push(chunk);
      bytes += chunk.length;
    });
    stream.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), bytes }));
    stream.on('error', reject);
    // A reset stream closes without 'end'; settling twice is a no-op.
    stream.on('close', () => reject(new Error('request closed before its body ended')));
  });
}

/** The host clients should dial for a listening host: wildcard addresses become loopback; IPv6 gets brackets. */
export function dialHost(host: string): { host: string; urlHost: string } {
  const dial = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return { host: dial, urlHost: dial.includes(':') ? `[${dial}]` : dial };
}
