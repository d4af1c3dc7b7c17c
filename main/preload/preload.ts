/**
 * The Electron preload: exposes exactly one object, `window.studio` (the StudioClient of
 * core/api/contract.ts), and never ipcRenderer itself. Runs sandboxed, so it is bundled to
 * one CommonJS file with only `electron` left to require (see scripts/build-electron.mjs).
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import type { ApiMethod, StudioClient, StudioEvent } from '../../core/api/contract';
import { type CallReply, IPC } from '../ipc-channels';

/** An Error whose message is the API's one-line message, with the contract's code attached. */
class StudioCallError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'StudioCallError';
  }
}

export const studio: StudioClient = {
  async call(method: ApiMethod, input: unknown) {
    const reply = (await ipcRenderer.invoke(IPC.call, method, input)) as CallReply;
    if (!reply.ok) throw new StudioCallError(reply.error.message, reply.error.code);
    return reply.result as never;
  },
  subscribe(listener: (event: StudioEvent) => void) {
    const handler = (_event: IpcRendererEvent, event: StudioEvent) => listener(event);
    ipcRenderer.on(IPC.event, handler);
    return () => {
      ipcRenderer.removeListener(IPC.event, handler);
    };
  },
};

contextBridge.exposeInMainWorld('studio', studio);
