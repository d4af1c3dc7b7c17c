/**
 * Vite build of the renderer: one bundle for Electron (app:// protocol) and browser mode.
 * `base: './'` keeps asset URLs relative so the same dist/ works under any origin; no CDN,
 * no inline scripts (the hosts' CSP is script-src 'self').
 */
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [svelte({ configFile: `${here}svelte.config.js` })],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Inlined assets would be data: URLs in script; keep everything as files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
  },
});
