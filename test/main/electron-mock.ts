/**
 * A small stand-in for the `electron` module (the Electron binary cannot be downloaded here):
 * just the APIs main/ and preload/ touch, as spies the tests inspect. Use it with
 *   vi.mock('electron', async () => (await import('../electron-mock')).electron);
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

export const ipcHandlers = new Map<string, Listener>();
export const windows: FakeWindow[] = [];

export class FakeWindow extends EventEmitter {
  readonly webContents = { send: vi.fn() };
  readonly loadURL = vi.fn(async (_url: string) => {});
  readonly show = vi.fn();
  constructor(readonly options: Record<string, unknown>) {
    super();
    windows.push(this);
  }
  isDestroyed() {
    return false;
  }
  static getAllWindows() {
    return windows;
  }
}

/** A web contents with the events the guards listen to and a recorded window-open handler. */
export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

export const electron = {
  app: Object.assign(new EventEmitter(), {
    getPath: vi.fn(() => '/tmp/gan-studio-user-data'),
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => new Promise(() => {})),
    quit: vi.fn(),
  }),
  BrowserWindow: FakeWindow,
  ipcMain: {
    handle: vi.fn((channel: string, listener: Listener) => {
      ipcHandlers.set(channel, listener);
    }),
  },
  shell: { openExternal: vi.fn(async (_url: string) => {}) },
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
  session: {
    defaultSession: {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
    },
  },
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
};
