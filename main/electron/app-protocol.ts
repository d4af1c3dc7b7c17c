/**
 * The studio's content comes from `app://studio/...`, a privileged custom scheme serving the
 * built renderer (dist/renderer), never from file:// (which would give the page the whole disk
 * as its origin). Every response carries the strict Content-Security-Policy.
 */
import fs from 'node:fs/promises';
import { protocol } from 'electron';
import { mimeType, resolveStatic } from '../server/static-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export const ELECTRON_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** True only for URLs of the studio's own pages. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Must run before the app is ready: a standard, secure scheme with fetch support. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Answers app:// requests from `rendererDir`; anything else is a 404. */
export async function appResponse(rendererDir: string, requestUrl: string): Promise<Response> {
  const file = isAppUrl(requestUrl) ? resolveStatic(rendererDir, new URL(requestUrl).pathname) : null;
  if (!file) return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
  const body = await fs.readFile(file);
  return new Response(body, {
    headers: {
      'Content-Type': mimeType(file),
      'Content-Security-Policy': ELECTRON_CSP,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

export function handleAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => appResponse(rendererDir, request.url));
}
