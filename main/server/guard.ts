/**
 * Who may talk to the browser-mode server: requests must name our own host (a DNS-rebinding
 * guard) and carry the session token (cookie, bearer header or `?token=`); WebSocket upgrades
 * must also come from our own origin. See /work/shared wire.md, "Browser mode".
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'gs_token';

export function newToken(): string {
  return crypto.randomBytes(32).toString('hex');
}

export class RequestGuard {
  constructor(
    private readonly token: string,
    private readonly port: number,
  ) {}

  /** The Host header names 127.0.0.1:PORT or localhost:PORT. */
  hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host;
    return host === `127.0.0.1:${this.port}` || host === `localhost:${this.port}`;
  }

  /** The Origin of a WebSocket upgrade is this server's own (either host name). */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    return origin === `http://127.0.0.1:${this.port}` || origin === `http://localhost:${this.port}`;
  }

  /** The token from the query, the bearer header or the cookie, compared in constant time. */
  authorized(req: IncomingMessage, url: URL): boolean {
    const candidates = [url.searchParams.get('token'), bearer(req), cookie(req, TOKEN_COOKIE)];
    return candidates.some((c) => c !== null && sameToken(c, this.token));
  }

  /** True when the token came in the query string (the printed URL): the cookie is then set. */
  queryToken(url: URL): boolean {
    const given = url.searchParams.get('token');
    return given !== null && sameToken(given, this.token);
  }

  cookieHeader(): string {
    return `${TOKEN_COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match ? match[1] : null;
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
