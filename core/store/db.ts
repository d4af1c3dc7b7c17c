/**
 * Opening a store database: connection pragmas, a check that the file is ours, and
 * migrations by `PRAGMA user_version`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { firstLine, StoreError } from './errors';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';

export type Db = Database.Database;

export const BUSY_TIMEOUT_MS = 5000;

export function openDatabase(file: string): Db {
  const inMemory = file === ':memory:' || file === '';
  if (!inMemory) ensureParentDir(file);
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw describeOpenError(err, file);
  }
  try {
    // Before anything touches the file, so a second process waits instead of failing.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Before switching to WAL, which would rewrite the header of someone else's file.
    checkOwnership(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw describeOpenError(err, file);
  }
}

export function userVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function ensureParentDir(file: string): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  } catch (err) {
    throw new StoreError(`cannot create the folder for database ${file}: ${firstLine(err)}`);
  }
}

function checkOwnership(db: Db, file: string): void {
  const version = userVersion(db);
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `database ${file} has schema version ${version} but this GAN Studio knows only up to ${SCHEMA_VERSION}; upgrade GAN Studio to open it`,
    );
  }
  if (version === 0 && hasTables(db)) {
    throw new StoreError(`${file} is a SQLite database but not a GAN Studio one; point --db at another file`);
  }
}

function hasTables(db: Db): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' LIMIT 1").get() !== undefined;
}

function migrate(db: Db): void {
  MIGRATIONS.forEach((sql, index) => {
    const target = index + 1;
    if (userVersion(db) >= target) return;
    // IMMEDIATE and a second look: another process may have migrated while we waited for the lock.
    const step = db.transaction(() => {
      if (userVersion(db) >= target) return;
      db.exec(sql);
      db.pragma(`user_version = ${target}`);
    });
    step.immediate();
  });
}

function describeOpenError(err: unknown, file: string): StoreError {
  if (err instanceof StoreError) return err;
  if (err instanceof Database.SqliteError) {
    if (err.code === 'SQLITE_NOTADB') {
      return new StoreError(`${file} is not a SQLite database; point --db at a GAN Studio database file`);
    }
    if (err.code.startsWith('SQLITE_CANTOPEN')) {
      return new StoreError(`cannot open database ${file}: is it a folder, or not readable?`);
    }
  }
  return new StoreError(`cannot open database ${file}: ${firstLine(err)}`);
}
