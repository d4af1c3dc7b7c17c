/**
 * The browser-mode server per wire.md, in process on a free port with a real database and a
 * tiny renderer folder: token refused/accepted (query, cookie, bearer), Host and Origin
 * checks, one-line JSON errors with their status codes, an API round trip, and 'run' events
 * pushed over the WebSocket while a 2D run trains in a worker (paused, resumed, stopped).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { StudioEvent } from '../../../core/api/contract';
import { createStudioHost, type StudioHost } from '../../../main/host/studio-host';
import { type StudioServer, startStudioServer } from '../../../main/server/server';
import { TINY_2D } from '../host/tiny-run';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-server-'));
const rendererDir = path.join(tmp, 'renderer');
let host: StudioHost;
let server: StudioServer;
let base: string;

beforeAll(async () => {
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>GAN Studio</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1);');
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'outside the renderer');
  host = createStudioHost({ dbPath: path.join(tmp, 'studio.db'), eventIntervalMs: 100 });
  server = await startStudioServer({ host, port: 0, rendererDir });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await host.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with full control of the headers (fetch cannot set Host). */
function raw(
  pathname: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: pathname,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = () => ({ Authorization: `Bearer ${server.token}` });

async function call(method: string, input: unknown, headers: Record<string, string> = auth()) {
  const res = await fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
  return {
    status: res.status,
    // biome-ignore lint/suspicious/noExplicitAny: each test reads the result shape of the method it calls
    body: (await res.json()) as { result?: any; error?: { message: string; code: string } },
  };
}

function openSocket(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('browser-mode server', () => {
  it('prints a URL with a 64-hex-digit token bound to 127.0.0.1', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('serves index.html for the token URL, sets the cookie and a strict CSP; refuses requests without the token', async () => {
    const denied = await raw('/');
    expect(denied.status).toBe(401);
    expect(denied.body.trim().split('\n')).toHaveLength(1);
    expect((await raw('/?token=wrong')).status).toBe(401);

    const page = await raw(`/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>GAN Studio</title>');
    expect(page.headers['set-cookie']?.[0]).toBe(
      `gs_token=${server.token}; HttpOnly; SameSite=Strict; Path=/`,
    );
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}`);
    expect(csp).toContain("frame-ancestors 'none'");

    const asset = await raw('/assets/app.js', { headers: { Cookie: `gs_token=${server.token}` } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect((await raw('/assets/app.js', { headers: auth() })).status).toBe(200);
    expect((await raw('/assets/app.js', { headers: { Cookie: 'gs_token=nope' } })).status).toBe(401);
    expect((await raw('/%2e%2e/secret.txt', { headers: auth() })).status).toBe(404);
  });

  it('refuses requests naming another host (DNS rebinding) even with the token', async () => {
    const evil = await raw(`/?token=${server.token}`, { headers: { Host: `evil.example:${server.port}` } });
    expect(evil.status).toBe(403);
    const otherPort = await raw('/', { headers: { ...auth(), Host: '127.0.0.1:1' } });
    expect(otherPort.status).toBe(403);
    const localhost = await raw('/', { headers: { ...auth(), Host: `localhost:${server.port}` } });
    expect(localhost.status).toBe(200);
  });

  it('answers API calls with results, and bad JSON or input with a one-line 400', async () => {
    const presets = await call('presets', {});
    expect(presets.status).toBe(200);
    expect(presets.body.result.map((p: { name: string }) => p.name)).toContain('grid25');

    const noToken = await raw('/api/presets', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(noToken.status).toBe(401);
    expect(noToken.body).toMatch(/^missing or wrong token[^\n]*\n$/);

    const badJson = await fetch(`${base}/api/listRuns`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...auth() },
      body: '{"oops',
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({
      error: { code: 'invalid', message: 'the request body is not valid JSON' },
    });

    const badInput = await call('getRun', { runId: 'x' });
    expect(badInput.status).toBe(400);
    expect(badInput.body.error?.code).toBe('invalid');
    expect(badInput.body.error?.message).toMatch(/^getRun: runId: /);
    expect(badInput.body.error?.message).not.toContain('\n');
    expect((await call('noSuchMethod', {})).status).toBe(400);
    expect((await call('getRun', { runId: 424242 })).status).toBe(404);
    const wrongType = await raw('/api/presets', { method: 'POST', headers: auth(), body: '{}' });
    expect(wrongType.status).toBe(400);
    expect((await raw('/api/presets', { headers: auth() })).status).toBe(405);
  });

  it('refuses WebSocket upgrades from another origin or without the token', async () => {
    const origin = `http://127.0.0.1:${server.port}`;
    await expect(openSocket({ Origin: 'http://evil.example', ...auth() })).rejects.toThrow('403');
    await expect(openSocket({ Origin: origin })).rejects.toThrow('401');
    const ws = await openSocket({ Origin: origin, Cookie: `gs_token=${server.token}` });
    ws.close();
  });

  it('pushes run events over the WebSocket while a 2D run trains in a worker, and pauses, resumes and stops it', async () => {
    const ws = await openSocket({ Origin: `http://localhost:${server.port}`, ...auth() });
    const events: StudioEvent[] = [];
    ws.on('message', (data) => events.push(JSON.parse(data.toString()) as StudioEvent));
    const waitFor = (accept: (e: StudioEvent) => boolean) =>
      new Promise<StudioEvent>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no such event')), 90_000);
        const check = () => {
          const found = events.find(accept);
          if (found) {
            clearTimeout(timer);
            ws.off('message', check);
            resolve(found);
          }
        };
        ws.on('message', check);
        check();
      });

    const started = await call('startRun', { preset: 'grid25', settings: TINY_2D, name: 'over http' });
    expect(started.status).toBe(200);
    const runId = started.body.result.id as number;
    await waitFor((e) => e.type === 'run' && e.run.id === runId && e.run.step >= 60);

    const paused = await call('pauseRun', { runId });
    expect(paused.body.result.status).toBe('paused');
    await waitFor((e) => e.type === 'run' && e.run.id === runId && e.run.status === 'paused');
    const resumed = await call('resumeRun', { runId });
    expect(resumed.body.result.status).toBe('running');
    const step = paused.body.result.step as number;
    await waitFor((e) => e.type === 'run' && e.run.id === runId && e.run.step >= step + 40);
    expect((await call('deleteRun', { runId })).status).toBe(409);
    const stopped = await call('stopRun', { runId });
    expect(stopped.body.result.status).toBe('stopped');

    const metrics = await call('metrics', { runId, names: ['T', 'lossD'] });
    const T = metrics.body.result.find((s: { name: string }) => s.name === 'T');
    expect(T.steps.length).toBeGreaterThan(2);
    expect((await call('deleteRun', { runId })).status).toBe(200);
    await waitFor((e) => e.type === 'runDeleted' && e.runId === runId);
    ws.close();
  });
});
