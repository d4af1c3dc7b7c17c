/**
 * Browser-mode client (wire.md): every call is `POST /api/<method>` with a JSON body, and
 * pushed events arrive over one WebSocket at `/api/events` that reconnects with backoff.
 * The token comes from the page URL (`?token=`) and is sent as a Bearer header too, so the
 * client works even where the cookie is not set (e.g. the page was opened without it).
 */
import type { ApiInput, ApiMethod, ApiResult, StudioClient, StudioEvent } from '../../../core/api/contract';
import { ApiError, type ApiErrorCode } from './api-error';

const CODES: ApiErrorCode[] = ['invalid', 'not-found', 'conflict', 'internal'];

/** Maps an HTTP reply to an ApiError: the host's one-line message when it sent one. */
export function errorFromResponse(status: number, bodyText: string): ApiError {
  if (status === 401)
    return new ApiError(
      'The server refused the access token: open the full URL that `gan-studio serve` printed (with ?token=).',
      'unauthorized',
      status,
    );
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    // not JSON: fall through to the status-based message
  }
  const error = (parsed as { error?: { message?: unknown; code?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string') {
    const code = CODES.includes(error.code as ApiErrorCode) ? (error.code as ApiErrorCode) : codeOf(status);
    return new ApiError(error.message, code, status);
  }
  const line = bodyText.split('\n')[0].trim().slice(0, 200);
  return new ApiError(
    `The server answered ${status}${line ? `: ${line}` : ''}; check the terminal running gan-studio serve.`,
    codeOf(status),
    status,
  );
}

function codeOf(status: number): ApiErrorCode {
  if (status === 400) return 'invalid';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  return 'internal';
}

export interface HttpClientOptions {
  /** Origin + path prefix of the server, e.g. `http://127.0.0.1:4000`. */
  baseUrl: string;
  token: string | null;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** First reconnect delay; doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export class HttpClient implements StudioClient {
  private readonly listeners = new Set<(event: StudioEvent) => void>();
  private socket: WebSocket | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private backoff: number;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: HttpClientOptions) {
    this.backoff = options.backoffMs ?? 500;
    this.doFetch = options.fetch ?? fetch.bind(globalThis);
  }

  async call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<M>> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    let response: Response;
    try {
      response = await this.doFetch(`${this.options.baseUrl}/api/${method}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
      });
    } catch {
      throw new ApiError(
        'Cannot reach the GAN Studio server: is `gan-studio serve` still running? Restart it and reload.',
        'network',
      );
    }
    const text = await response.text();
    if (!response.ok) throw errorFromResponse(response.status, text);
    try {
      return (JSON.parse(text) as { result: ApiResult<M> }).result;
    } catch {
      throw new ApiError(`The server sent an unreadable reply to ${method}; reload the page.`, 'internal');
    }
  }

  subscribe(listener: (event: StudioEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.connect();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.disconnect();
    };
  }

  private connect(): void {
    const Ws = this.options.WebSocket ?? WebSocket;
    const url = new URL('/api/events', this.options.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.options.token) url.searchParams.set('token', this.options.token);
    const socket = new Ws(url.toString());
    this.socket = socket;
    socket.onopen = () => {
      this.backoff = this.options.backoffMs ?? 500;
    };
    socket.onmessage = (message: MessageEvent) => {
      let event: StudioEvent;
      try {
        event = JSON.parse(String(message.data)) as StudioEvent;
      } catch {
        return;
      }
      for (const listener of this.listeners) listener(event);
    };
    socket.onclose = () => {
      if (this.socket !== socket || this.listeners.size === 0) return;
      this.socket = null;
      this.retryTimer = setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, this.options.maxBackoffMs ?? 10_000);
    };
  }

  private disconnect(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }
}
