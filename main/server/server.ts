/**
 * The browser-mode server: the built renderer and the studio API over HTTP + WebSocket on
 * 127.0.0.1, guarded by a random token (wire.md, "Browser mode").
 *
 *   const server = await startStudioServer({ host, port: 0, rendererDir });
 *   console.log(server.url);   // http://127.0.0.1:PORT/?token=...
 *
 * POST /api/<method> with a JSON body → 200 {"result"} or {"error": {message, code}};
 * WebSocket /api/events pushes every StudioEvent as one JSON text message.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { errorBody, HTTP_STATUS, invalid } from '../../core/api/api-error';
import type { StudioHost } from '../host/studio-host';
import { newToken, RequestGuard } from './guard';
import { contentSecurityPolicy, resolveStatic, sendFile } from './static-files';

export const MAX_BODY_BYTES = 50 * 1024 * 1024;
const LOCALHOST = '127.0.0.1';

export interface StudioServerOptions {
  host: StudioHost;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (index.html + assets). */
  rendererDir: string;
  /** Fixed token (tests); a fresh random one otherwise. */
  token?: string;
}

export interface StudioServer {
  port: number;
  token: string;
  /** The URL to open: it carries the token, which the page then keeps as a cookie. */
  url: string;
  close(): Promise<void>;
}

export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const token = options.token ?? newToken();
  let guard: RequestGuard | null = null;
  let csp = '';
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const unsubscribe = options.host.notifier.subscribe((event) => {
    const text = JSON.stringify(event);
    for (const client of sockets.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
  });

  const server = http.createServer((req, res) => {
    if (!guard) return plain(res, 503, 'starting');
    handle(req, res, guard, csp, options).catch((err) => {
      if (!res.headersSent) sendError(res, err);
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, text: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${text}\n`,
      );
    };
    if (!guard) return refuse(503, 'starting');
    const url = new URL(req.url ?? '/', `http://${LOCALHOST}`);
    if (!guard.hostAllowed(req)) return refuse(403, 'this server answers only to 127.0.0.1 and localhost');
    if (!guard.originAllowed(req))
      return refuse(403, 'WebSocket connections are accepted from the studio page only');
    if (!guard.authorized(req, url))
      return refuse(401, 'missing or wrong token: open the URL the server printed');
    if (url.pathname !== '/api/events') return refuse(404, 'the event stream is at /api/events');
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? invalid(`port ${options.port} is in use; pass --port 0 to pick a free one`)
          : err,
      );
    });
    server.listen(options.port, LOCALHOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  guard = new RequestGuard(token, port);
  csp = contentSecurityPolicy(port);

  return {
    port,
    token,
    url: `http://${LOCALHOST}:${port}/?token=${token}`,
    async close() {
      unsubscribe();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  guard: RequestGuard,
  csp: string,
  options: StudioServerOptions,
): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${LOCALHOST}`);
  if (!guard.hostAllowed(req)) return plain(res, 403, 'this server answers only to 127.0.0.1 and localhost');
  if (!guard.authorized(req, url))
    return plain(res, 401, 'missing or wrong token: open the URL the server printed');

  if (url.pathname.startsWith('/api/')) {
    if (req.method !== 'POST') return plain(res, 405, 'API calls are POST /api/<method> with a JSON body');
    const method = url.pathname.slice('/api/'.length);
    const input = await readJson(req);
    const result = await options.host.api.call(method, input);
    return json(res, 200, { result });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'only GET is served here');
  const file = resolveStatic(options.rendererDir, url.pathname);
  if (!file) {
    const built = resolveStatic(options.rendererDir, '/');
    return built
      ? plain(res, 404, `no such file: ${url.pathname}`)
      : plain(res, 503, 'the renderer is not built: run `npm run build:renderer`, then reload');
  }
  const headers: Record<string, string> = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
  if (guard.queryToken(url)) headers['Set-Cookie'] = guard.cookieHeader();
  sendFile(res, file, headers);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type))
    throw invalid('send the request body as Content-Type: application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw invalid('the request body is over 50 MB; send a smaller image');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('the request body is not valid JSON');
  }
}

function sendError(res: ServerResponse, err: unknown): void {
  const body = errorBody(err);
  if (body.code === 'internal')
    process.stderr.write(`gan-studio serve: ${(err as Error)?.stack ?? String(err)}\n`);
  json(res, HTTP_STATUS[body.code], { error: body });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(`${text}\n`);
}
