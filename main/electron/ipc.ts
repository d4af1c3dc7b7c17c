/**
 * Every IPC handler of the main process goes through `handleTrusted`: it answers only frames
 * showing the studio's own app:// pages and turns any thrown error into the one-line error
 * envelope. The studio call validates its payload with the contract's `parseApiInput` before
 * the API sees it.
 */
import { type IpcMainInvokeEvent, ipcMain } from 'electron';
import { errorBody } from '../../core/api/api-error';
import { ApiInputError, type ApiMethod, parseApiInput } from '../../core/api/contract';
import { type CallReply, IPC } from '../ipc-channels';
import { isAppUrl } from './app-protocol';

export interface StudioCaller {
  call(method: ApiMethod | string, input: unknown): Promise<unknown>;
}

/** The sender is a live frame showing an app://studio page (not a foreign or detached frame). */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame !== undefined && isAppUrl(frame.url);
}

export function handleTrusted(channel: string, handler: (...args: unknown[]) => Promise<unknown>): void {
  ipcMain.handle(channel, async (event, ...args): Promise<CallReply> => {
    if (!isTrustedSender(event)) {
      return {
        ok: false,
        error: { code: 'invalid', message: 'refused: the call did not come from the studio window' },
      };
    }
    try {
      return { ok: true, result: await handler(...args) };
    } catch (err) {
      return { ok: false, error: errorBody(err) };
    }
  });
}

export function registerStudioIpc(api: StudioCaller): void {
  handleTrusted(IPC.call, async (method, input) => {
    if (typeof method !== 'string') throw new ApiInputError('the method name must be a string');
    const parsed = parseApiInput(method, input);
    return api.call(method, parsed);
  });
}
