/**
 * The Electron main process: one studio window, the studio API over IPC, runs in worker
 * threads, the database in Electron's userData folder. Bundled by scripts/build-electron.mjs
 * to dist/electron/main.mjs, next to preload.cjs and run-worker.mjs; the renderer is
 * dist/renderer. Start with `npm start` (or `npx electron .` after `npm run build`).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow } from 'electron';
import { createStudioHost, type StudioHost } from '../host/studio-host';
import { IPC } from '../ipc-channels';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { installGuards } from './guards';
import { registerStudioIpc } from './ipc';
import { createMainWindow } from './window';

const here = path.dirname(fileURLToPath(import.meta.url));
const files = {
  preload: path.join(here, 'preload.cjs'),
  worker: pathToFileURL(path.join(here, 'run-worker.mjs')),
  renderer: path.join(here, '..', 'renderer'),
};

registerAppScheme();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // A second launch focuses the first window instead of opening the database twice.
  app.quit();
} else {
  let host: StudioHost | null = null;
  let window: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });

  const openWindow = (studio: StudioHost) => {
    const win = createMainWindow(files.preload);
    const off = studio.notifier.subscribe((event) => {
      if (!win.isDestroyed()) win.webContents.send(IPC.event, event);
    });
    win.on('closed', () => {
      off();
      if (window === win) window = null;
    });
    window = win;
  };

  app.whenReady().then(() => {
    installGuards();
    handleAppProtocol(files.renderer);
    host = createStudioHost({
      dbPath: path.join(app.getPath('userData'), 'studio.db'),
      workerUrl: files.worker,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    registerStudioIpc(host.api);
    openWindow(host);
  });

  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !host) return;
    // Pause training runs with a checkpoint before the process goes away.
    event.preventDefault();
    closing = true;
    host.close().finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && host) openWindow(host);
  });
}
