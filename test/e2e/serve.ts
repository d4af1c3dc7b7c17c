/**
 * Starts `gan-studio serve --port 0 --db <tmp>` as a child process, the way a user does,
 * and parses the printed URL (wire.md: `GAN Studio: http://127.0.0.1:PORT/?token=TOKEN`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/gan-studio.js', import.meta.url));

export interface Served {
  url: string;
  origin: string;
  token: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function startServe(dbPath: string, timeoutMs = 60_000): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', dbPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GAN_STUDIO_BACKEND: process.env.GAN_STUDIO_BACKEND ?? 'wasm' },
  });
  let out = '';
  child.stderr?.on('data', (d) => {
    out += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gan-studio serve printed no URL in ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gan-studio serve exited with ${code}:\n${out}`));
    });
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /GAN Studio: (http:\/\/127\.0\.0\.1:\d+\/\?token=([0-9a-f]+))/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = m[1];
      resolve({
        url,
        origin: new URL(url).origin,
        token: m[2],
        child,
        output: () => out,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** Calls the API from the test process (with the token), to check what the UI stored. */
export async function api<T>(served: Served, method: string, input: unknown): Promise<T> {
  const res = await fetch(`${served.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${served.token}` },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body.result as T;
}
