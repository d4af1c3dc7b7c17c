import { describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../core/api/contract';
import { ApiError } from '../../../renderer/src/lib/api-error';
import { errorFromResponse, HttpClient } from '../../../renderer/src/lib/client-http';

function replying(
  status: number,
  body: string,
  seen: { url?: string; init?: RequestInit } = {},
): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    seen.url = url;
    seen.init = init;
    return new Response(body, { status });
  }) as unknown as typeof fetch;
}

describe('HttpClient.call', () => {
  it('POSTs the JSON input with the Bearer token and returns result', async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const client = new HttpClient({
      baseUrl: 'http://127.0.0.1:4000',
      token: 'abc',
      fetch: replying(200, JSON.stringify({ result: [{ id: 1 }] }), seen),
    });
    const runs = await client.call('listRuns', { search: 'x' });
    expect(runs).toEqual([{ id: 1 }]);
    expect(seen.url).toBe('http://127.0.0.1:4000/api/listRuns');
    expect(seen.init?.method).toBe('POST');
    expect((seen.init!.headers as Record<string, string>).Authorization).toBe('Bearer abc');
    expect(JSON.parse(String(seen.init?.body))).toEqual({ search: 'x' });
  });

  it.each([
    [400, 'invalid'],
    [404, 'not-found'],
    [409, 'conflict'],
    [500, 'internal'],
  ] as const)('maps a %i error body to its one-line message and code', async (status, code) => {
    const body = JSON.stringify({ error: { message: 'getRun: runId: too small', code } });
    const client = new HttpClient({ baseUrl: 'http://x', token: null, fetch: replying(status, body) });
    const err = await client.call('getRun', { runId: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe('getRun: runId: too small');
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
  });

  it('says to open the printed URL on 401', async () => {
    const client = new HttpClient({
      baseUrl: 'http://x',
      token: 'bad',
      fetch: replying(401, 'missing token'),
    });
    const err = await client.call('presets', {}).catch((e) => e);
    expect(err.code).toBe('unauthorized');
    expect(err.message).toMatch(/open the full URL/);
  });

  it('falls back to the status and first line of a non-JSON body', () => {
    const err = errorFromResponse(502, 'Bad gateway\nmore');
    expect(err.message).toBe(
      'The server answered 502: Bad gateway; check the terminal running gan-studio serve.',
    );
    expect(err.code).toBe('internal');
  });

  it('turns a network failure into "is the server running"', async () => {
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const client = new HttpClient({ baseUrl: 'http://x', token: null, fetch: failing });
    const err = await client.call('presets', {}).catch((e) => e);
    expect(err.code).toBe('network');
    expect(err.message).toMatch(/gan-studio serve/);
  });
});

/** A controllable stand-in for the browser's WebSocket (constructor-compatible). */
class TestSocket {
  static made: TestSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    TestSocket.made.push(this);
  }
  close() {
    this.closed = true;
  }
}

describe('HttpClient.subscribe', () => {
  it('delivers events, reconnects with growing backoff after a drop, and closes on unsubscribe', async () => {
    TestSocket.made = [];
    const client = new HttpClient({
      baseUrl: 'http://127.0.0.1:4000',
      token: 'tok',
      WebSocket: TestSocket as unknown as typeof WebSocket,
      backoffMs: 5,
      maxBackoffMs: 20,
    });
    const got: StudioEvent[] = [];
    const off = client.subscribe((e) => got.push(e));
    expect(TestSocket.made).toHaveLength(1);
    expect(TestSocket.made[0].url).toBe('ws://127.0.0.1:4000/api/events?token=tok');
    TestSocket.made[0].onmessage?.({ data: JSON.stringify({ type: 'runDeleted', runId: 3 }) });
    TestSocket.made[0].onmessage?.({ data: 'not json' });
    expect(got).toEqual([{ type: 'runDeleted', runId: 3 }]);

    TestSocket.made[0].onclose?.();
    await new Promise((r) => setTimeout(r, 15));
    expect(TestSocket.made).toHaveLength(2);
    TestSocket.made[1].onclose?.();
    await new Promise((r) => setTimeout(r, 4));
    expect(TestSocket.made).toHaveLength(2); // second wait is 10 ms, not 5
    await new Promise((r) => setTimeout(r, 15));
    expect(TestSocket.made).toHaveLength(3);

    off();
    expect(TestSocket.made[2].closed).toBe(true);
    TestSocket.made[2].onclose?.();
    await new Promise((r) => setTimeout(r, 30));
    expect(TestSocket.made).toHaveLength(3);
  });
});
