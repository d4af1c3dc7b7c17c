/**
 * Helpers for driving the real CLI (`node bin/gan-studio.js ...`) as a child process and for
 * reading the run database it writes, read-only, while it runs or after it exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'vitest';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A small 2D config: 300 steps take about two seconds on wasm. */
export const SMALL = [
  '--set',
  'batch=64',
  '--set',
  'generator.width=32',
  '--set',
  'discriminator.width=32',
  '--set',
  'evalEvery=100',
  '--set',
  'checkpointEvery=100',
  '--set',
  'logEvery=50',
  '--set',
  'evalSamples=500',
];

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
}

export interface RunningCli {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Starts the CLI on the wasm backend (plus `extraEnv`); the caller passes --db. */
export function startCli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): RunningCli {
  const env: NodeJS.ProcessEnv = { ...process.env, GAN_STUDIO_BACKEND: 'wasm', ...extraEnv };
  delete env.GAN_STUDIO_DB;
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/gan-studio.js', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started }),
    );
  });
  return { child, done };
}

export function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, extraEnv).done;
}

/** Runs the jobs at most `limit` at a time (the machine has two cores). */
export async function inPool<T, R>(items: T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The one JSON object `--json` prints on the last line of stdout. */
export function lastJson<T = Record<string, unknown>>(result: CliResult): T {
  const lines = result.stdout.split('\n').filter((l) => l.trim() !== '');
  expect(lines.length, `no stdout; stderr: ${result.stderr}`).toBeGreaterThan(0);
  return JSON.parse(lines[lines.length - 1]) as T;
}

/** Asserts a zero exit, showing stderr if not. */
export function expectOk(result: CliResult): void {
  expect(result.code, `exit ${result.code} (${result.signal}); stderr: ${result.stderr}`).toBe(0);
}

/** Opens the database read-only, runs `fn`, closes it. Throws if the file does not exist. */
export function withDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return fn(db);
  } finally {
    db.close();
  }
}

/** Polls until `probe` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined,
  timeoutMs = 60_000,
  everyMs = 20,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  while (performance.now() < deadline) {
    try {
      const value = probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err; // the file or schema may not exist yet
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(
    `timed out waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`,
  );
}

export interface RunRecord {
  id: number;
  status: string;
  step: number;
  total_steps: number;
  pid: number | null;
  error: string | null;
}

export interface MetricRow {
  step: number;
  name: string;
  value: number | null;
}

export function runRow(db: Database.Database, runId: number): RunRecord | undefined {
  return db.prepare('SELECT id, status, step, total_steps, pid, error FROM runs WHERE id = ?').get(runId) as
    | RunRecord
    | undefined;
}

export function runCount(file: string): number {
  return withDb(file, (db) => (db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n);
}

export function metricRows(db: Database.Database, runId: number): MetricRow[] {
  return db
    .prepare('SELECT step, name, value FROM metrics WHERE run_id = ? ORDER BY name, step')
    .all(runId) as MetricRow[];
}

export function checkpointSteps(db: Database.Database, runId: number): number[] {
  return (
    db.prepare('SELECT step FROM checkpoints WHERE run_id = ? ORDER BY step').all(runId) as { step: number }[]
  ).map((r) => r.step);
}

export function eventRows(
  db: Database.Database,
  runId: number,
): { step: number; kind: string; message: string }[] {
  return db.prepare('SELECT step, kind, message FROM events WHERE run_id = ? ORDER BY id').all(runId) as {
    step: number;
    kind: string;
    message: string;
  }[];
}

/**
 * Every (name, step) row of `actual` and `expected` must exist in both, with values equal to
 * within `relTol` (relative, absolute below 1). Lists every difference on failure.
 */
export function expectSameMetrics(actual: MetricRow[], expected: MetricRow[], relTol = 0): void {
  const key = (r: MetricRow) => `${r.name}@${r.step}`;
  const want = new Map(expected.map((r) => [key(r), r.value]));
  const got = new Map(actual.map((r) => [key(r), r.value]));
  const diffs: string[] = [];
  for (const [k, v] of want) {
    if (!got.has(k)) diffs.push(`${k}: missing (expected ${v})`);
    else {
      const a = got.get(k) ?? null;
      const same =
        a === v ||
        (a !== null && v !== null && Math.abs(a - v) <= relTol * Math.max(1, Math.abs(a), Math.abs(v)));
      if (!same) diffs.push(`${k}: ${a} != ${v}`);
    }
  }
  for (const k of got.keys()) if (!want.has(k)) diffs.push(`${k}: unexpected row`);
  expect(diffs.slice(0, 20), `${diffs.length} of ${want.size} metric rows differ`).toEqual([]);
}
