import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { type NewRun, type RunRow, RunStore } from '../../../core/store';

const dirs: string[] = [];
const stores: RunStore[] = [];

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-store-'));
  dirs.push(dir);
  return dir;
}

export function tempDbPath(): string {
  return path.join(tempDir(), 'studio.db');
}

/** Opens a store that is closed after the test. */
export function openStore(file = tempDbPath()): RunStore {
  const store = RunStore.open(file);
  stores.push(store);
  return store;
}

export function newRun(store: RunStore, overrides: Partial<NewRun> = {}): RunRow {
  return store.createRun({
    name: 'ring',
    preset: 'ring-2d',
    model: 'mlp',
    dataset: 'ring8',
    config: { lr: 2e-4, batch: 256 },
    seed: 42,
    totalSteps: 1000,
    backend: 'cpu',
    ...overrides,
  });
}

export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}
