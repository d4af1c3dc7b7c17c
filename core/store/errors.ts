import Database from 'better-sqlite3';

/** A one-line, user-facing store error: the CLI prints `message` as is and exits non-zero. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' '));
    this.name = 'StoreError';
  }
}

export function runMissing(runId: number): StoreError {
  return new StoreError(`run ${runId} does not exist (see \`gan-studio runs\`)`);
}

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0];
}

/**
 * Runs `fn` and turns a foreign-key failure into "run N does not exist": inserting child
 * rows and letting SQLite check the parent is race-free, unlike a lookup before the insert.
 */
export function withRun<T>(runId: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw runMissing(runId);
    }
    throw err;
  }
}
