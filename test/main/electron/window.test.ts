/** The studio window's options: isolation, sandbox, no Node in the page, content from app://. */
import { describe, expect, it, vi } from 'vitest';
import { createMainWindow } from '../../../main/electron/window';
import type { FakeWindow } from '../electron-mock';

vi.mock('electron', async () => (await import('../electron-mock')).electron);

describe('main window', () => {
  const win = createMainWindow('/app/preload.cjs') as unknown as FakeWindow;

  it('isolates the page: context isolation, sandbox, no Node integration anywhere, web security, no webviews', () => {
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });

  it('loads the renderer from the app:// scheme, not file://, and shows it when ready', () => {
    expect(win.loadURL).toHaveBeenCalledWith('app://studio/index.html');
    expect(win.options.show).toBe(false);
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalled();
  });
});
