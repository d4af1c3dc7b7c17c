/**
 * Navigation and new windows are denied in this one place, for every web contents the app
 * creates: the window may only show app://studio pages; links elsewhere go to the OS browser
 * (http/https only); no webviews; no permission prompts (camera, notifications, ...).
 */
import { app, session, type WebContents } from 'electron';
import { isAppUrl } from './app-protocol';
import { openExternalSafely } from './external-links';

export function guardWebContents(contents: WebContents): void {
  const keepInApp = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    openExternalSafely(url);
  };
  contents.on('will-navigate', keepInApp);
  contents.on('will-redirect', keepInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
}

export function installGuards(): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}
