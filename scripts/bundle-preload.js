// Bundles the sandboxed preload into one CommonJS file (sandboxed preloads cannot require local
// modules). Output: build/src-main/electron/preload.cjs.
import { build } from 'esbuild';

await build({
  entryPoints: ['src-main/electron/preload.ts'],
  outfile: 'build/src-main/electron/preload.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  logLevel: 'warning',
});
