/** `timer-lab serve`: web mode on 127.0.0.1 with a per-start token. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onStopSignal } from '../../api/index.js';
import { startWebServer } from '../../web/server.js';
import { intFlag } from '../args.js';
import { defineVerb } from '../verb.js';

export const serve = defineVerb({
  name: 'serve',
  summary: 'serve the app in a browser (127.0.0.1 only, with a per-start token)',
  options: { port: { type: 'string', value: 'N', help: 'port to listen on (default: any free port)' } },
  async run(ctx, v) {
    const port = intFlag('port', v.port, 0, 65535) ?? 0;
    const here = dirname(fileURLToPath(import.meta.url));
    const staticDir = resolve(here, '..', '..', '..', '..', 'dist-renderer');
    // listened to before the address is printed (whoever reads it may stop the server at once)
    const stopped = new Promise<void>((done) => onStopSignal(() => done()));
    const server = await startWebServer({ api: ctx.api, port, staticDir });
    const url = new URL(`/?token=${server.token}`, server.url).toString();
    ctx.out(ctx.json ? JSON.stringify({ url, token: server.token, port: server.port }) : `Timer Lab web mode: ${url}\n(listening on 127.0.0.1 only; Ctrl+C to stop)`);
    await stopped;
    // no request is taken from here on; the runs still going are cancelled, saved and the store
    // closed as the lab closes, after this verb
    await server.close();
    return 0;
  },
});
