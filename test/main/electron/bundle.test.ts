/**
 * The esbuild bundles Electron loads (scripts/build-electron.mjs): the preload needs nothing
 * but `electron`; main and worker import only node builtins, `electron` and runtime
 * dependencies (what a packaged app ships); and the bundled worker really trains and pauses a
 * run under plain Node, as it would under Electron's Node.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioHost } from '../../../main/host/studio-host';
import { ROOT } from '../cli-helpers';
import { TINY_2D } from '../host/tiny-run';

// Inside the checkout, so the bundles resolve node_modules as dist/electron does.
const outdir = path.join(ROOT, 'dist', `.bundle-test-${process.pid}`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-bundle-'));

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-electron.mjs', outdir], { cwd: ROOT, stdio: 'pipe' });
});
afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

function bareImports(file: string): Set<string> {
  const text = fs.readFileSync(path.join(outdir, file), 'utf8');
  const patterns = [
    /^(?:import|export)\b[^"\n]*?"([^"]+)";?$/gm, // static imports at the top level of the bundle
    /\bimport\(\s*"([^"]+)"\s*\)/g,
    /\brequire\(\s*"([^"]+)"\s*\)/g,
  ];
  const specifiers = patterns.flatMap((re) => [...text.matchAll(re)].map((m) => m[1]));
  return new Set(specifiers.filter((s) => !s.startsWith('.') && !s.startsWith('node:')));
}

describe('Electron bundles', () => {
  it('builds a preload that requires only electron', () => {
    expect([...bareImports('preload.cjs')]).toEqual(['electron']);
  });

  it('leaves only runtime dependencies and electron external in main and the worker', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const runtime = new Set([
      ...Object.keys(pkg.dependencies),
      ...Object.keys(pkg.optionalDependencies ?? {}),
    ]);
    const packageOf = (s: string) =>
      s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0];
    for (const file of ['main.mjs', 'run-worker.mjs']) {
      const imports = [...bareImports(file)].map(packageOf).filter((p) => p !== 'electron');
      expect(imports.length).toBeGreaterThan(0);
      for (const name of imports) expect(runtime, `${file} imports ${name}`).toContain(name);
      expect(imports).not.toContain('tsx');
    }
    expect(pkg.main).toBe('dist/electron/main.mjs');
  });

  it('trains and pauses a run in the bundled worker', async () => {
    const host = createStudioHost({
      dbPath: path.join(tmp, 'bundle.db'),
      workerUrl: pathToFileURL(path.join(outdir, 'run-worker.mjs')),
      eventIntervalMs: 50,
    });
    try {
      const run = await host.api.call('startRun', { preset: 'grid25', settings: TINY_2D });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the bundled worker made no progress')), 90_000);
        host.notifier.subscribe((event) => {
          if (event.type === 'run' && event.run.id === run.id && event.run.step >= 60) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const paused = await host.api.call('pauseRun', { runId: run.id });
      expect(paused.status).toBe('paused');
      expect((await host.api.call('checkpoints', { runId: run.id })).at(-1)?.step).toBe(paused.step);
    } finally {
      await host.close();
    }
  });
});
