/**
 * `gan-studio serve` as a child process, the way the e2e suite starts it: the printed URL line,
 * a call with the token, a refused call without it, and SIGTERM pausing a training run with a
 * checkpoint before the process exits 0.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../cli-helpers';
import { TINY_2D } from '../host/tiny-run';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-serve-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function printedUrl(read: () => string): Promise<URL> {
  for (let i = 0; i < 600; i++) {
    const match = /^GAN Studio: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})$/m.exec(read());
    if (match) return new URL(match[1]);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no URL line printed; stdout: ${read()}`);
}

describe('gan-studio serve', () => {
  it('prints the token URL, answers with the token only, and pauses training runs on SIGTERM', async () => {
    const db = path.join(tmp, 'serve.db');
    const cli = startCli(['serve', '--port', '0', '--db', db]);
    let stdout = '';
    cli.child.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
    });
    const url = await printedUrl(() => stdout);
    const token = url.searchParams.get('token');
    const api = (
      method: string,
      input: unknown,
      headers: Record<string, string> = { Authorization: `Bearer ${token}` },
    ) =>
      fetch(new URL(`/api/${method}`, url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(input),
      });

    expect((await api('listRuns', {}, {})).status).toBe(401);
    const started = await api('startRun', { preset: 'grid25', settings: TINY_2D });
    expect(started.status).toBe(200);
    const runId = ((await started.json()) as { result: { id: number } }).result.id;
    for (let i = 0; i < 900; i++) {
      const run = ((await (await api('getRun', { runId })).json()) as { result: { step: number } }).result;
      if (run.step >= 100) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    cli.child.kill('SIGTERM');
    const result = await cli.done;
    expect(result.code).toBe(0);

    const store = new Database(db, { readonly: true });
    const row = store.prepare('SELECT status, step FROM runs WHERE id = ?').get(runId) as {
      status: string;
      step: number;
    };
    const last = store.prepare('SELECT MAX(step) AS step FROM checkpoints WHERE run_id = ?').get(runId) as {
      step: number;
    };
    store.close();
    expect(row.status).toBe('paused');
    expect(last.step).toBe(row.step);
  });
});
