/** The `samples` table: rendered sample grids / point sets per run, kind and step. */
import type { Statement } from 'better-sqlite3';
import { checkBytes, checkName, checkStep } from './codec';
import type { Db } from './db';
import { withRun } from './errors';

export interface SampleInput {
  step: number;
  /** e.g. 'grid' (an image) or 'points' (2D samples). */
  kind: string;
  mime: string;
  data: Uint8Array;
}

export interface SampleInfo {
  step: number;
  kind: string;
  mime: string;
  sizeBytes: number;
}

export interface Sample {
  step: number;
  kind: string;
  mime: string;
  data: Uint8Array;
}

export class Samples {
  private readonly upsertStmt: Statement;
  private readonly listStmt: Statement<[{ runId: number; kind: string | null }], SampleInfo>;
  private readonly loadStmt: Statement<[number, string, number], Sample>;

  constructor(db: Db) {
    this.upsertStmt = db.prepare(`
      INSERT INTO samples (run_id, step, kind, mime, data) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (run_id, kind, step) DO UPDATE SET mime = excluded.mime, data = excluded.data`);
    // length() of a blob reads the record header only, not the blob itself.
    this.listStmt = db.prepare(`
      SELECT step, kind, mime, length(data) AS sizeBytes FROM samples
      WHERE run_id = @runId AND (@kind IS NULL OR kind = @kind)
      ORDER BY step, kind`);
    this.loadStmt = db.prepare(
      'SELECT step, kind, mime, data FROM samples WHERE run_id = ? AND kind = ? AND step = ?',
    );
  }

  /** Replaces a sample of the same run, kind and step. */
  save(runId: number, sample: SampleInput): void {
    const params = [
      runId,
      checkStep(sample.step),
      checkName(sample.kind, 'sample kind'),
      checkName(sample.mime, 'sample mime type'),
      checkBytes(sample.data, 'sample data'),
    ];
    withRun(runId, () => this.upsertStmt.run(...params));
  }

  list(runId: number, kind?: string): SampleInfo[] {
    return this.listStmt.all({ runId, kind: kind ?? null });
  }

  load(runId: number, kind: string, step: number): Sample | undefined {
    return this.loadStmt.get(runId, kind, step);
  }
}
