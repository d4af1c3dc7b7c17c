/** Navigation and new windows denied in one place; only http(s) links reach the OS browser. */

import type { WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { openExternalSafely } from '../../../main/electron/external-links';
import { guardWebContents, installGuards } from '../../../main/electron/guards';
import { electron, FakeWebContents } from '../electron-mock';

vi.mock('electron', async () => (await import('../electron-mock')).electron);

function navigate(contents: FakeWebContents, event: string, url: string): boolean {
  let prevented = false;
  contents.emit(event, { preventDefault: () => (prevented = true) }, url);
  return prevented;
}

describe('navigation guards', () => {
  let contents: FakeWebContents;
  beforeEach(() => {
    electron.shell.openExternal.mockClear();
    contents = new FakeWebContents();
    guardWebContents(contents as unknown as WebContents);
  });

  it('lets the window move between app://studio pages only', () => {
    expect(navigate(contents, 'will-navigate', 'app://studio/index.html#/runs')).toBe(false);
    expect(navigate(contents, 'will-navigate', 'app://other/index.html')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'will-redirect', 'https://example.com/')).toBe(true);
  });

  it('sends http(s) links to the OS browser and drops every other scheme', () => {
    navigate(contents, 'will-navigate', 'https://example.com/docs');
    navigate(contents, 'will-navigate', 'file:///etc/passwd');
    navigate(contents, 'will-navigate', 'javascript:alert(1)');
    expect(electron.shell.openExternal.mock.calls).toEqual([['https://example.com/docs']]);
  });

  it('denies every new window, opening http(s) ones externally', () => {
    const handler = contents.windowOpenHandler!;
    expect(handler({ url: 'http://example.com/a' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'app://studio/index.html' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'smb://server/share' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal.mock.calls).toEqual([['http://example.com/a']]);
  });

  it('refuses webviews', () => {
    expect(navigate(contents, 'will-attach-webview', '')).toBe(true);
  });

  it('parses links with new URL() before opening them', () => {
    expect(openExternalSafely('not a url')).toBe(false);
    expect(openExternalSafely('HTTPS://EXAMPLE.com')).toBe(true);
    expect(electron.shell.openExternal).toHaveBeenLastCalledWith('https://example.com/');
  });

  it('guards every web contents the app creates and denies permission requests', () => {
    installGuards();
    const created = new FakeWebContents();
    electron.app.emit('web-contents-created', {}, created);
    expect(created.windowOpenHandler).not.toBeNull();
    const [handler] = electron.session.defaultSession.setPermissionRequestHandler.mock.calls[0] as [
      (c: unknown, p: string, cb: (ok: boolean) => void) => void,
    ];
    const answer = vi.fn();
    handler({}, 'media', answer);
    expect(answer).toHaveBeenCalledWith(false);
  });
});
