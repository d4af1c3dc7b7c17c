/** The `classifiers` table: one serialized in-domain classifier per dataset key. */
import type { Statement } from 'better-sqlite3';
import { bytesOf, checkBytes } from './codec';
import type { Db } from './db';

export interface StoredClassifier {
  key: string;
  createdAt: string;
  accuracy: number | null;
  info: Record<string, unknown>;
  data: Uint8Array;
}

export class Classifiers {
  private readonly getStmt: Statement;
  private readonly putStmt: Statement;

  constructor(db: Db) {
    this.getStmt = db.prepare('SELECT key, created_at, accuracy, info, data FROM classifiers WHERE key = ?');
    this.putStmt = db.prepare(
      `INSERT INTO classifiers (key, created_at, accuracy, info, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET created_at = excluded.created_at, accuracy = excluded.accuracy,
         info = excluded.info, data = excluded.data`,
    );
  }

  get(key: string): StoredClassifier | undefined {
    const row = this.getStmt.get(key) as
      | { key: string; created_at: string; accuracy: number | null; info: string; data: Buffer }
      | undefined;
    if (!row) return undefined;
    return {
      key: row.key,
      createdAt: row.created_at,
      accuracy: row.accuracy,
      info: JSON.parse(row.info),
      data: bytesOf(row.data),
    };
  }

  put(
    key: string,
    entry: { accuracy: number | null; info: Record<string, unknown>; data: Uint8Array },
  ): void {
    checkBytes(entry.data, 'classifier data');
    this.putStmt.run(key, new Date().toISOString(), entry.accuracy, JSON.stringify(entry.info), entry.data);
  }
}
