import { describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../core/api/contract';
import { ApiError } from '../../../renderer/src/lib/api-error';
import { pickClient } from '../../../renderer/src/lib/client';
import { ElectronClient } from '../../../renderer/src/lib/client-electron';
import { HttpClient } from '../../../renderer/src/lib/client-http';

describe('ElectronClient', () => {
  it('forwards calls and events to window.studio', async () => {
    const seen: unknown[] = [];
    let listener: ((e: StudioEvent) => void) | null = null;
    const client = new ElectronClient({
      call: async (method, input) => {
        seen.push([method, input]);
        return [{ name: 'grid25' }];
      },
      subscribe: (l) => {
        listener = l;
        return () => {
          listener = null;
        };
      },
    });
    expect(await client.call('presets', {})).toEqual([{ name: 'grid25' }]);
    expect(seen).toEqual([['presets', {}]]);
    const got: StudioEvent[] = [];
    const off = client.subscribe((e) => got.push(e));
    listener!({ type: 'runDeleted', runId: 2 });
    expect(got).toEqual([{ type: 'runDeleted', runId: 2 }]);
    off();
    expect(listener).toBeNull();
  });

  it("keeps only the host's one-line message of a rejected invoke", async () => {
    const client = new ElectronClient({
      call: async () => {
        throw new Error("Error invoking remote method 'studio:call': Error: run 9 does not exist");
      },
      subscribe: () => () => {},
    });
    const err = await client.call('getRun', { runId: 9 }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe('run 9 does not exist');
  });
});

describe('pickClient', () => {
  it('uses window.studio when the preload exposed it, else HTTP with the page token', () => {
    const studio = { call: async () => null, subscribe: () => () => {} };
    expect(pickClient({ studio, location: window.location } as never)).toBeInstanceOf(ElectronClient);
    const http = pickClient({ location: new URL('http://127.0.0.1:5180/?token=abc#/runs') } as never);
    expect(http).toBeInstanceOf(HttpClient);
  });
});
