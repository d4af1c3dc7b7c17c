// Bundles the Electron main process, the training worker and the preload into dist/electron/
// with esbuild. Our own TypeScript (core/, main/) is bundled; npm packages stay external and
// load from node_modules at run time (better-sqlite3's native build, tfjs's wasm files).
//   node scripts/build-electron.mjs [OUTDIR]      (default dist/electron; tests build elsewhere)
import { build } from 'esbuild';

const outdir = process.argv[2] ?? 'dist/electron';

// Main process and worker: ES modules (core uses import.meta.url), Node platform.
await build({
  entryPoints: { main: 'main/electron/main.ts', 'run-worker': 'main/host/run-worker.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// The preload runs sandboxed: one CommonJS file that requires nothing but `electron`.
await build({
  entryPoints: ['main/preload/preload.ts'],
  outfile: `${outdir}/preload.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'chrome120',
  external: ['electron'],
  sourcemap: true,
  logLevel: 'warning',
});

console.log(`built ${outdir}/main.mjs, run-worker.mjs, preload.cjs`);
