/** The `encoders` table: one trained inversion encoder (image -> latent) per run checkpoint. */
import type { Statement } from 'better-sqlite3';
import { bytesOf, checkBytes, checkStep, nowIso, toJson } from './codec';
import type { Db } from './db';
import { withRun } from './errors';

export interface StoredEncoder {
  runId: number;
  checkpointStep: number;
  createdAt: string;
  info: Record<string, unknown>;
  data: Uint8Array;
}

interface Record_ {
  run_id: number;
  checkpoint_step: number;
  created_at: string;
  info: string;
  data: Buffer;
}

export class Encoders {
  private readonly putStmt: Statement;
  private readonly getStmt: Statement<[number, number], Record_>;
  private readonly listStmt: Statement<[number], Omit<Record_, 'data'>>;

  constructor(db: Db) {
    this.putStmt = db.prepare(`
      INSERT INTO encoders (run_id, checkpoint_step, created_at, info, data) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (run_id, checkpoint_step) DO UPDATE SET
        created_at = excluded.created_at, info = excluded.info, data = excluded.data`);
    this.getStmt = db.prepare('SELECT * FROM encoders WHERE run_id = ? AND checkpoint_step = ?');
    this.listStmt = db.prepare(
      'SELECT run_id, checkpoint_step, created_at, info FROM encoders WHERE run_id = ? ORDER BY checkpoint_step',
    );
  }

  /** Replaces the encoder of the same checkpoint. */
  put(
    runId: number,
    checkpointStep: number,
    entry: { info: Record<string, unknown>; data: Uint8Array },
  ): void {
    const params = [
      runId,
      checkStep(checkpointStep, 'checkpoint step'),
      nowIso(),
      toJson(entry.info, 'encoder info'),
      checkBytes(entry.data, 'encoder data'),
    ];
    withRun(runId, () => this.putStmt.run(...params));
  }

  get(runId: number, checkpointStep: number): StoredEncoder | undefined {
    const r = this.getStmt.get(runId, checkpointStep);
    if (!r) return undefined;
    return {
      runId: r.run_id,
      checkpointStep: r.checkpoint_step,
      createdAt: r.created_at,
      info: JSON.parse(r.info),
      data: bytesOf(r.data),
    };
  }

  /** Which checkpoints of a run have an encoder (without the weights). */
  list(runId: number): Omit<StoredEncoder, 'data'>[] {
    return this.listStmt.all(runId).map((r) => ({
      runId: r.run_id,
      checkpointStep: r.checkpoint_step,
      createdAt: r.created_at,
      info: JSON.parse(r.info),
    }));
  }
}
