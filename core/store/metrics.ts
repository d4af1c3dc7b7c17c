/**
 * The `metrics` table: scalar series (loss_d, loss_g, p, T, FID, ...) per run and step.
 * Non-finite values (NaN, ±Infinity — what a diverging run produces) are stored as NULL and
 * read back as `null`, so a chart can show where a series blew up instead of losing the point.
 */
import type { Statement } from 'better-sqlite3';
import { checkName, checkStep, finiteOrNull } from './codec';
import type { Db } from './db';
import { StoreError, withRun } from './errors';

export interface MetricInput {
  step: number;
  name: string;
  value: number;
}

export interface MetricPoint {
  step: number;
  name: string;
  /** `null` where the value written was NaN or ±Infinity. */
  value: number | null;
}

export interface MetricQuery {
  /** Only rows with `step > sinceStep`: pass the last step you already have. */
  sinceStep?: number;
  names?: string[];
}

export class Metrics {
  private readonly upsertStmt: Statement;
  private readonly listStmt: Statement<[{ runId: number; since: number; names: string | null }], MetricPoint>;
  private readonly namesStmt: Statement<[number], { name: string }>;
  private readonly latestStmt: Statement<[number], { name: string; value: number | null }>;
  private readonly addTx: (runId: number, rows: MetricInput[]) => void;

  constructor(db: Db) {
    // A resumed run rewrites steps past its checkpoint: replace, never duplicate.
    this.upsertStmt = db.prepare(`
      INSERT INTO metrics (run_id, step, name, value) VALUES (?, ?, ?, ?)
      ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value`);
    this.listStmt = db.prepare(`
      SELECT step, name, value FROM metrics
      WHERE run_id = @runId AND step > @since
        AND (@names IS NULL OR name IN (SELECT value FROM json_each(@names)))
      ORDER BY step, name`);
    this.namesStmt = db.prepare('SELECT DISTINCT name FROM metrics WHERE run_id = ? ORDER BY name');
    // SQLite takes bare columns from the row holding MAX(step) in each group.
    this.latestStmt = db.prepare(
      'SELECT name, value, MAX(step) AS step FROM metrics WHERE run_id = ? GROUP BY name ORDER BY name',
    );
    const addTx = db.transaction((runId: number, rows: MetricInput[]) => {
      for (const row of rows) this.upsertStmt.run(runId, row.step, row.name, finiteOrNull(row.value));
    });
    this.addTx = (runId, rows) => addTx.immediate(runId, rows);
  }

  /** Writes all rows in one transaction; any invalid row rejects the whole batch. */
  add(runId: number, rows: MetricInput[]): void {
    for (const row of rows) {
      checkStep(row.step);
      checkName(row.name, 'metric name');
      if (typeof row.value !== 'number') throw new StoreError(`metric ${row.name} must be a number`);
    }
    if (rows.length === 0) return;
    withRun(runId, () => this.addTx(runId, rows));
  }

  list(runId: number, query: MetricQuery = {}): MetricPoint[] {
    return this.listStmt.all({
      runId,
      since: query.sinceStep ?? -1,
      names: query.names ? JSON.stringify(query.names) : null,
    });
  }

  names(runId: number): string[] {
    return this.namesStmt.all(runId).map((r) => r.name);
  }

  /** Each metric's value at its own last step. */
  latest(runId: number): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const row of this.latestStmt.all(runId)) out[row.name] = row.value;
    return out;
  }
}
