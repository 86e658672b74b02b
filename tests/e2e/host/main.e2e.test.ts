import pino from 'pino';
import { start } from '../../../server/main';
import { ApiClient } from './harness';

describe('server/main start()', () => {
  it('starts on the embedded database, prints the ready line and the generated admin password, and stops', async () => {
    const out: string[] = [];
    const registered: string[] = [];
    const server = await start({
      env: { PORT: '0', HOST: '127.0.0.1', EMBEDDED_MONGO_DB_PATH: '' },
      stdout: (text) => void out.push(text),
      logger: pino({ level: 'silent' }),
      plugins: [
        (ctx) => ({
          name: 'probe',
          register: async () => void registered.push(`embedded=${ctx.embeddedDatabase}`),
        }),
      ],
    });
    try {
      expect(registered).toEqual(['embedded=true']);
      const ready = out.find((line) => line.startsWith('listening on '));
      expect(ready).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
      expect(ready!.trim()).toBe(`listening on ${server.url}`);
      const password = /generated password: (\S+)/.exec(out.join(''))?.[1];
      expect(password).toBeDefined();
      const api = new ApiClient(server.url);
      expect((await api.post('login', { user: 'admin', password })).status).toBe(200);
      expect((await api.get('/healthz')).body.status).toBe('ok');
      expect(server.host.settings.get('Site_Url')).toBe(server.url);
      expect(server.host.settings.get<string>('uniqueID')).toMatch(/^[A-Za-z0-9]{17}$/);
    } finally {
      await server.stop();
    }
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('refuses a bad PORT before starting anything', async () => {
    await expect(start({ env: { PORT: 'http' }, stdout: () => undefined, logger: pino({ level: 'silent' }) })).rejects.toThrow(/PORT/);
  });
});
