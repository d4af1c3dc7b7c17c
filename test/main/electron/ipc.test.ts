/** The one IPC wrapper: unknown senders refused, payloads validated by the contract, errors as one line. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../core/api/api-error';
import { registerStudioIpc } from '../../../main/electron/ipc';
import { IPC } from '../../../main/ipc-channels';
import { ipcHandlers } from '../electron-mock';

vi.mock('electron', async () => (await import('../electron-mock')).electron);

const api = { call: vi.fn(async (method: string, input: unknown) => ({ method, input })) };
const invoke = (url: string | null, ...args: unknown[]) =>
  ipcHandlers.get(IPC.call)!({ senderFrame: url === null ? null : { url } }, ...args);

describe('studio IPC', () => {
  beforeEach(() => {
    api.call.mockClear();
    registerStudioIpc(api);
  });

  it('answers the studio window with the validated input (defaults filled in)', async () => {
    const reply = await invoke('app://studio/index.html', 'validateConfig', { preset: 'grid25' });
    expect(reply).toEqual({
      ok: true,
      result: { method: 'validateConfig', input: { preset: 'grid25', settings: [] } },
    });
  });

  it('refuses frames that are not the studio page, without calling the API', async () => {
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'app://elsewhere/index.html', null]) {
      const reply = await invoke(url, 'listRuns', {});
      expect(reply).toMatchObject({
        ok: false,
        error: { code: 'invalid', message: expect.stringMatching(/^refused/) },
      });
    }
    expect(api.call).not.toHaveBeenCalled();
  });

  it('rejects bad payloads and unknown methods with a one-line message', async () => {
    const bad = await invoke('app://studio/', 'getRun', { runId: 'x' });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: expect.stringMatching(/^getRun: runId: /) },
    });
    const unknown = await invoke('app://studio/', 'rmRf', {});
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: "unknown method 'rmRf'" },
    });
    const notString = await invoke('app://studio/', { toString: 1 }, {});
    expect(notString).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(api.call).not.toHaveBeenCalled();
  });

  it('passes the API error codes through', async () => {
    api.call.mockRejectedValueOnce(new ApiError('conflict', 'run 3 is training; pause it first'));
    const reply = await invoke('app://studio/', 'deleteRun', { runId: 3 });
    expect(reply).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'run 3 is training; pause it first' },
    });
  });
});
