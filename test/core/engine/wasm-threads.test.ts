import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createThreadedWasmBackend, wasmThreadCount } from '../../../core/engine/wasm-threads';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PROBE = fileURLToPath(new URL('./wasm-threads-probe.ts', import.meta.url));

interface Probe {
  provider: string;
  skipped: string[];
  worst: number;
  checksum: number;
}

/** Runs the probe in a fresh process with `threads` wasm threads; rejects if it does not exit. */
function probe(threads: number): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PROBE], {
      cwd: ROOT,
      env: { ...process.env, GAN_STUDIO_WASM_THREADS: String(threads) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`probe exited ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split('\n').pop() ?? ''));
    });
  });
}

describe('wasm thread count', () => {
  it('defaults to the cores there are, up to 4', () => {
    expect(wasmThreadCount({})).toBe(Math.min(os.availableParallelism(), 4));
  });

  it('takes GAN_STUDIO_WASM_THREADS from 1 to 8', () => {
    expect(wasmThreadCount({ GAN_STUDIO_WASM_THREADS: '1' })).toBe(1);
    expect(wasmThreadCount({ GAN_STUDIO_WASM_THREADS: '8' })).toBe(8);
  });

  it.each(['0', '9', '1.5', 'two', '-2'])('refuses GAN_STUDIO_WASM_THREADS=%s in one line', (raw) => {
    expect(() => wasmThreadCount({ GAN_STUDIO_WASM_THREADS: raw })).toThrow(
      new RegExp(
        `^GAN_STUDIO_WASM_THREADS=${raw.replace('.', '\\.')} is not a thread count; use a whole number from 1 to 8$`,
      ),
    );
  });
});

describe('threaded wasm backend', () => {
  it('runs on 2 threads, matches the cpu backend and the single-threaded build, and lets the process exit', async () => {
    const [two, one] = await Promise.all([probe(2), probe(1)]);
    expect(two.provider).toBe('wasm (simd, 2 threads)');
    expect(two.skipped).toEqual([]);
    expect(one.provider).toBe('wasm (simd, 1 thread)');
    expect(two.worst).toBeLessThan(1e-4);
    expect(one.worst).toBeLessThan(1e-4);
    expect(Math.abs(two.checksum - one.checksum)).toBeLessThan(1e-3 * (1 + Math.abs(one.checksum)));
  }, 60_000);

  it('rejects, rather than hangs, when the threaded build is missing', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-wasm-'));
    try {
      await expect(createThreadedWasmBackend(2, empty)).rejects.toThrow(/Cannot find module/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
