/**
 * Errors of the studio API with the contract's codes, and the one mapping from any thrown
 * error to the `{ message, code }` body both hosts send (HTTP status and IPC rejection alike).
 */
import { StoreError } from '../store';
import type { ApiErrorBody } from './contract';
import { UserError } from './errors';

export type ApiErrorCode = ApiErrorBody['code'];

/** A user-facing error with a contract code: 'not-found' for missing things, 'conflict' for wrong state. */
export class ApiError extends UserError {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  internal: 500,
};

const oneLine = (text: string) => text.split('\n')[0].trim();

/** The body for any error: known kinds keep their message, anything else is 'internal'. */
export function errorBody(err: unknown): ApiErrorBody {
  if (err instanceof ApiError) return { code: err.code, message: oneLine(err.message) };
  const named = err as { name?: string; code?: unknown; message?: string };
  if (named?.name === 'ApiInputError') return { code: 'invalid', message: oneLine(named.message ?? '') };
  if (err instanceof StoreError) {
    const missing = /does not exist/.test(err.message);
    return { code: missing ? 'not-found' : 'invalid', message: oneLine(err.message) };
  }
  if (err instanceof UserError) {
    // Services outside the API (training, inversion) say "X does not exist" for missing things.
    const missing = /\bdoes not exist\b/.test(err.message);
    return { code: missing ? 'not-found' : 'invalid', message: oneLine(err.message) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `internal error: ${oneLine(message)}` };
}

export function notFound(message: string): ApiError {
  return new ApiError('not-found', message);
}

export function conflict(message: string): ApiError {
  return new ApiError('conflict', message);
}

export function invalid(message: string): ApiError {
  return new ApiError('invalid', message);
}
