/** The preload exposes exactly one object, window.studio = { call, subscribe }, over the shared channels. */
import { describe, expect, it, vi } from 'vitest';
import { IPC } from '../../../main/ipc-channels';
import { electron } from '../electron-mock';

vi.mock('electron', async () => (await import('../electron-mock')).electron);

await import('../../../main/preload/preload');
const calls = electron.contextBridge.exposeInMainWorld.mock.calls;
const studio = calls[0]?.[1] as {
  call(method: string, input: unknown): Promise<unknown>;
  subscribe(listener: (e: unknown) => void): () => void;
};

describe('preload', () => {
  it('exposes one object named studio with call and subscribe only', () => {
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toBe('studio');
    expect(Object.keys(studio).sort()).toEqual(['call', 'subscribe']);
  });

  it('invokes studio:call and unwraps results and one-line errors', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, result: [1, 2] });
    await expect(studio.call('listRuns', {})).resolves.toEqual([1, 2]);
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(IPC.call, 'listRuns', {});
    electron.ipcRenderer.invoke.mockResolvedValueOnce({
      ok: false,
      error: { code: 'not-found', message: 'run 9 does not exist' },
    });
    const error = await studio.call('getRun', { runId: 9 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ message: 'run 9 does not exist', code: 'not-found' });
  });

  it('subscribes to studio:event and unsubscribes the same listener', () => {
    const listener = vi.fn();
    const off = studio.subscribe(listener);
    const [channel, handler] = electron.ipcRenderer.on.mock.calls[0] as [
      string,
      (e: unknown, v: unknown) => void,
    ];
    expect(channel).toBe(IPC.event);
    handler({}, { type: 'runDeleted', runId: 4 });
    expect(listener).toHaveBeenCalledWith({ type: 'runDeleted', runId: 4 });
    off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(IPC.event, handler);
  });
});
