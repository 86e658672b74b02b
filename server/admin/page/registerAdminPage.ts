import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PushError } from '../../../lib/errors';

/** The page's files: plain HTML, CSS and one script, served as they are (no bundler, no framework, no CDN). */
const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'admin.css': 'text/css; charset=utf-8',
  'admin.js': 'text/javascript; charset=utf-8',
};

/** Only this origin: no inline script, no external resources, no framing. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Where the assets are: `server/admin/assets` in the source tree, found from this file both when it runs from
 * `server/admin/page` (ts-jest) and from `dist/server/admin/page` (npm start; tsc does not copy non-TS files).
 */
export function adminAssetsDirectory(from = __dirname): string {
  const candidates = [path.resolve(from, '..', 'assets'), path.resolve(from, '..', '..', '..', '..', 'server', 'admin', 'assets')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!found) throw new PushError('PUSH_ERR_NOT_FOUND', [`the admin page's files (looked in ${candidates.join(' and ')})`]);
  return found;
}

/** Serves the admin page at `/admin` (and its two files beside it). The page itself is public; its API calls are not. */
export function registerAdminPage(app: FastifyInstance, directory = adminAssetsDirectory()): void {
  const files = new Map(Object.keys(ASSETS).map((name) => [name, readFileSync(path.join(directory, name))]));
  const send = (name: string) => async (_request: unknown, reply: FastifyReply) =>
    reply
      .header('content-type', ASSETS[name])
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .send(files.get(name));
  app.get('/admin', send('index.html'));
  app.get('/admin/', send('index.html'));
  app.get('/admin/admin.css', send('admin.css'));
  app.get('/admin/admin.js', send('admin.js'));
}
