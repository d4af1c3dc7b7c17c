/**
 * Conversions between TypeScript values and column values. Timestamps are ISO 8601 UTC
 * strings with milliseconds (`2025-01-31T12:00:00.000Z`): readable in the sqlite3 shell and
 * ordered correctly as text.
 */
import { StoreError } from './errors';

export function nowIso(): string {
  return new Date().toISOString();
}

export function checkIso(value: string, what: string): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new StoreError(`${what} must be an ISO 8601 timestamp, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function toJson(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new StoreError(`${what} cannot be stored as JSON: ${err instanceof Error ? err.message : err}`);
  }
  if (text === undefined) throw new StoreError(`${what} cannot be stored as JSON`);
  return text;
}

export function fromJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** SQLite has no NaN or Infinity (it would store NaN as NULL anyway); make that explicit. */
export function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function checkStep(step: number, what = 'step'): number {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new StoreError(`${what} must be a non-negative integer, got ${step}`);
  }
  return step;
}

export function checkName(name: string, what: string): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new StoreError(`${what} must be a non-empty string`);
  }
  return name;
}

export function checkBytes(bytes: Uint8Array, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new StoreError(`${what} must be a Uint8Array`);
  return bytes;
}

/** A SQLite blob (a Node Buffer) as a Uint8Array over the same memory. */
export function bytesOf(blob: Buffer): Uint8Array {
  return new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
}
