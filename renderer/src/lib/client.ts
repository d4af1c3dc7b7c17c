/**
 * Picks the renderer's client once at start: `window.studio` (Electron preload) if present,
 * else the HTTP/WebSocket client of browser mode, with the token from the page URL.
 */
import type { StudioClient } from '../../../core/api/contract';
import { ElectronClient, type PreloadStudio } from './client-electron';
import { HttpClient } from './client-http';

export function pickClient(win: Window & { studio?: PreloadStudio }): StudioClient {
  if (win.studio) return new ElectronClient(win.studio);
  const token = new URL(win.location.href).searchParams.get('token');
  return new HttpClient({ baseUrl: win.location.origin, token });
}
