// Svelte compiler options for the renderer (used by Vite, vitest and svelte-check).
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
};
