/**
 * The one error type the renderer shows: a one-line message that says what to do next, plus
 * the host's error code, so pages can tell "you asked for something invalid" from "the
 * server is gone" without parsing text.
 */
export type ApiErrorCode = 'invalid' | 'not-found' | 'conflict' | 'internal' | 'unauthorized' | 'network';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: ApiErrorCode,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A message for any thrown value, for error banners. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
