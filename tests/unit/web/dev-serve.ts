/**
 * Starts the web bridge with the canned fake ApiHost, for trying the renderer by hand:
 *   npx vite build && node --import tsx tests/unit/web/dev-serve.ts [port]
 * Prints the URL with its token; runs submitted in the UI progress and finish with fake data.
 */
import { fileURLToPath } from 'node:url';
import { startWebServer } from '../../../src-main/web/server.js';
import { createDevFakeApi } from './dev-fake-api.js';

const staticDir = fileURLToPath(new URL('../../../dist-renderer/', import.meta.url));
const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const server = await startWebServer({ api: createDevFakeApi({ simulateRuns: true }), staticDir, port });
console.log(`${server.url}?token=${server.token}`);
const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
