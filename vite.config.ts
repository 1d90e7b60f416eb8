// Builds the Svelte renderer (src-renderer) into dist-renderer/, loaded by Electron and by the
// web-mode bridge. `base: './'` keeps asset URLs relative so both hosts can serve it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { CSP_PLACEHOLDER, META_CONTENT_SECURITY_POLICY } from './src-shared/csp.js';

export default defineConfig({
  root: fileURLToPath(new URL('./src-renderer', import.meta.url)),
  base: './',
  plugins: [
    svelte({ configFile: false }),
    // The page's <meta> CSP is the lab's one policy (src-shared/csp.ts), not a copy.
    { name: 'timer-lab-csp', transformIndexHtml: (html: string) => html.replace(CSP_PLACEHOLDER, META_CONTENT_SECURITY_POLICY) },
  ],
  build: {
    outDir: fileURLToPath(new URL('./dist-renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // No inline <script>: the CSP says script-src 'self'.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1000,
  },
});
