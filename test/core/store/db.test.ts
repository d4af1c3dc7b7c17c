import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RunStore, SCHEMA_VERSION, StoreError } from '../../../core/store';
import { newRun, openStore, tempDbPath, tempDir } from './helpers';

function openError(file: string): Error {
  try {
    RunStore.open(file).close();
  } catch (err) {
    return err as Error;
  }
  throw new Error(`expected opening ${file} to fail`);
}

describe('opening a store', () => {
  it('creates missing parent folders and sets the schema version', () => {
    const file = path.join(tempDir(), 'a', 'b', 'studio.db');
    const store = openStore(file);
    expect(fs.existsSync(file)).toBe(true);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(1);
  });

  it('sets WAL, synchronous=FULL, foreign keys and the busy timeout', () => {
    const { db } = openStore();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('reopens an existing store without migrating again or losing data', () => {
    const file = tempDbPath();
    const first = RunStore.open(file);
    const run = newRun(first);
    first.close();
    const second = openStore(file);
    expect(second.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(second.getRun(run.id)?.name).toBe('ring');
    expect(second.integrityCheck()).toBe('ok');
  });

  it('lets two connections open the same new file', () => {
    const file = tempDbPath();
    const a = openStore(file);
    const b = openStore(file);
    const run = newRun(a);
    expect(b.getRun(run.id)?.id).toBe(run.id);
  });

  it('refuses a database written by a newer GAN Studio', () => {
    const file = tempDbPath();
    RunStore.open(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const err = openError(file);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).toContain('upgrade GAN Studio');
    expect(err.message).toContain(file);
    expect(err.message).not.toContain('\n');
  });

  it('names the path when the file is not a SQLite database', () => {
    const file = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(file, 'these are my notes, not a database\n'.repeat(100));
    const err = openError(file);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).toBe(`${file} is not a SQLite database; point --db at a GAN Studio database file`);
    // Left untouched: no WAL file, same content.
    expect(fs.readFileSync(file, 'utf8').startsWith('these are my notes')).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a SQLite database that belongs to something else', () => {
    const file = tempDbPath();
    const raw = new Database(file);
    raw.exec('CREATE TABLE bookmarks (url TEXT)');
    raw.close();
    const err = openError(file);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).toContain('not a GAN Studio one');
    expect(err.message).toContain(file);
  });

  it('names the path when it is a folder', () => {
    const dir = tempDir();
    const err = openError(dir);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).toContain(dir);
    expect(err.message).not.toContain('\n');
  });

  it('lets a second connection read while the first holds an open write transaction', () => {
    const file = tempDbPath();
    const writer = openStore(file);
    const reader = openStore(file);
    const run = newRun(writer);
    writer.addMetrics(run.id, [{ step: 1, name: 'loss_d', value: 0.5 }]);

    writer.db.exec('BEGIN IMMEDIATE');
    try {
      writer.addMetrics(run.id, [{ step: 2, name: 'loss_d', value: 0.4 }]);
      const started = Date.now();
      // Sees the last committed state at once, not the uncommitted row, and does not wait.
      expect(reader.metrics(run.id)).toEqual([{ step: 1, name: 'loss_d', value: 0.5 }]);
      expect(reader.getRun(run.id)?.status).toBe('created');
      expect(Date.now() - started).toBeLessThan(1000);
      writer.db.exec('COMMIT');
    } finally {
      if (writer.db.inTransaction) writer.db.exec('ROLLBACK');
    }
    expect(reader.metrics(run.id).map((m) => m.step)).toEqual([1, 2]);
  });

  it('lets a writer commit while another connection holds a read snapshot (WAL, unlike a rollback journal)', () => {
    const file = tempDbPath();
    const writer = openStore(file);
    const reader = openStore(file);
    const run = newRun(writer);
    writer.addMetrics(run.id, [{ step: 1, name: 'loss_d', value: 0.5 }]);

    reader.db.exec('BEGIN');
    try {
      expect(reader.metrics(run.id)).toHaveLength(1);
      const started = Date.now();
      // With a rollback journal this would wait out the busy timeout and fail with SQLITE_BUSY.
      writer.addMetrics(run.id, [{ step: 2, name: 'loss_d', value: 0.4 }]);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(reader.metrics(run.id)).toHaveLength(1);
    } finally {
      reader.db.exec('COMMIT');
    }
    expect(reader.metrics(run.id)).toHaveLength(2);
  });

  it('close() can be called twice', () => {
    const store = RunStore.open(tempDbPath());
    store.close();
    expect(() => store.close()).not.toThrow();
  });
});
