/**
 * The `checkpoints` table: full serialized training states. A save is one transaction
 * (insert, run step, retention), so a crash at any point leaves the previous checkpoint and
 * the run row as they were.
 *
 * "Best" is decided by the metric of the newest checkpoint that has one: among checkpoints
 * with that metric name, the highest value if it was saved with `higherIsBetter`, else the
 * lowest; ties go to the later step.
 */
import type { Statement } from 'better-sqlite3';
import { checkBytes, checkName, checkStep, finiteOrNull, nowIso } from './codec';
import type { Db } from './db';
import { StoreError, withRun } from './errors';

export interface CheckpointInput {
  step: number;
  state: Uint8Array;
  metricName?: string;
  /** NaN / ±Infinity are stored as NULL: such a checkpoint is never "best". */
  metricValue?: number;
  /** Default false: lower is better (losses, FID). */
  higherIsBetter?: boolean;
}

export interface RetentionPolicy {
  /** How many of the newest checkpoints to keep (at least 1); pinned and best are kept on top. */
  keepLast: number;
}

export interface CheckpointInfo {
  id: number;
  step: number;
  createdAt: string;
  pinned: boolean;
  metricName: string | null;
  metricValue: number | null;
  sizeBytes: number;
  isBest: boolean;
}

export interface LoadedCheckpoint {
  id: number;
  step: number;
  state: Uint8Array;
  metricName: string | null;
  metricValue: number | null;
}

/** 'best' falls back to 'latest' when no checkpoint of the run carries a metric. */
export type CheckpointSelector = 'latest' | 'best' | number;

interface InfoRecord {
  id: number;
  step: number;
  created_at: string;
  pinned: number;
  metric_name: string | null;
  metric_value: number | null;
  size_bytes: number;
}

interface StateRecord {
  id: number;
  step: number;
  state: Uint8Array;
  metric_name: string | null;
  metric_value: number | null;
}

interface SaveParams {
  runId: number;
  step: number;
  createdAt: string;
  metricName: string | null;
  metricValue: number | null;
  higherIsBetter: number | null;
  state: Uint8Array;
}

const STATE_COLUMNS = 'id, step, state, metric_name, metric_value';

export class Checkpoints {
  private readonly upsertStmt: Statement<[SaveParams], { id: number }>;
  private readonly runStepStmt: Statement<[number, string, number]>;
  private readonly retentionStmt: Statement<[{ runId: number; keepLast: number; bestId: number | null }]>;
  private readonly metricRefStmt: Statement<[number], { name: string | null; higher: number | null }>;
  private readonly bestHighStmt: Statement<[number, string | null], { id: number }>;
  private readonly bestLowStmt: Statement<[number, string | null], { id: number }>;
  private readonly listStmt: Statement<[number], InfoRecord>;
  private readonly latestStmt: Statement<[number], StateRecord>;
  private readonly byStepStmt: Statement<[number, number], StateRecord>;
  private readonly byIdStmt: Statement<[number], StateRecord>;
  private readonly pinStmt: Statement<[number, number]>;
  private readonly deleteStmt: Statement<[number]>;
  private readonly saveTx: (params: SaveParams, keepLast: number) => number;

  constructor(db: Db) {
    // Upsert keeps the id and the pinned flag of a checkpoint rewritten at the same step.
    this.upsertStmt = db.prepare(`
      INSERT INTO checkpoints (run_id, step, created_at, metric_name, metric_value, higher_is_better, state)
      VALUES (@runId, @step, @createdAt, @metricName, @metricValue, @higherIsBetter, @state)
      ON CONFLICT (run_id, step) DO UPDATE SET
        created_at = excluded.created_at, metric_name = excluded.metric_name,
        metric_value = excluded.metric_value, higher_is_better = excluded.higher_is_better,
        state = excluded.state
      RETURNING id`);
    this.runStepStmt = db.prepare('UPDATE runs SET step = ?, updated_at = ? WHERE id = ?');
    this.retentionStmt = db.prepare(`
      DELETE FROM checkpoints
      WHERE run_id = @runId AND pinned = 0 AND id IS NOT @bestId
        AND id NOT IN (SELECT id FROM checkpoints WHERE run_id = @runId ORDER BY step DESC LIMIT @keepLast)`);
    this.metricRefStmt = db.prepare(`
      SELECT metric_name AS name, higher_is_better AS higher FROM checkpoints
      WHERE run_id = ? AND metric_value IS NOT NULL ORDER BY step DESC LIMIT 1`);
    const bestSql = (order: 'ASC' | 'DESC') => `
      SELECT id FROM checkpoints
      WHERE run_id = ? AND metric_name IS ? AND metric_value IS NOT NULL
      ORDER BY metric_value ${order}, step DESC LIMIT 1`;
    this.bestHighStmt = db.prepare(bestSql('DESC'));
    this.bestLowStmt = db.prepare(bestSql('ASC'));
    this.listStmt = db.prepare(`
      SELECT id, step, created_at, pinned, metric_name, metric_value, length(state) AS size_bytes
      FROM checkpoints WHERE run_id = ? ORDER BY step`);
    this.latestStmt = db.prepare(
      `SELECT ${STATE_COLUMNS} FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1`,
    );
    this.byStepStmt = db.prepare(`SELECT ${STATE_COLUMNS} FROM checkpoints WHERE run_id = ? AND step = ?`);
    this.byIdStmt = db.prepare(`SELECT ${STATE_COLUMNS} FROM checkpoints WHERE id = ?`);
    this.pinStmt = db.prepare('UPDATE checkpoints SET pinned = ? WHERE id = ?');
    this.deleteStmt = db.prepare('DELETE FROM checkpoints WHERE id = ?');

    const saveTx = db.transaction((params: SaveParams, keepLast: number) => {
      const { id } = this.upsertStmt.get(params) as { id: number };
      this.runStepStmt.run(params.step, params.createdAt, params.runId);
      this.retentionStmt.run({ runId: params.runId, keepLast, bestId: this.bestId(params.runId) });
      return id;
    });
    this.saveTx = (params, keepLast) => saveTx.immediate(params, keepLast);
  }

  /** Returns the checkpoint id. */
  save(runId: number, input: CheckpointInput, policy: RetentionPolicy): number {
    if (!Number.isSafeInteger(policy.keepLast) || policy.keepLast < 1) {
      throw new StoreError(`keepLast must be an integer of at least 1, got ${policy.keepLast}`);
    }
    const metricValue = finiteOrNull(input.metricValue);
    if (input.metricValue !== undefined && input.metricName === undefined) {
      throw new StoreError('a checkpoint metric value needs a metric name');
    }
    const params: SaveParams = {
      runId,
      step: checkStep(input.step),
      createdAt: nowIso(),
      metricName: input.metricName === undefined ? null : checkName(input.metricName, 'metric name'),
      metricValue,
      higherIsBetter: input.metricName === undefined ? null : input.higherIsBetter ? 1 : 0,
      state: checkBytes(input.state, 'checkpoint state'),
    };
    return withRun(runId, () => this.saveTx(params, policy.keepLast));
  }

  /** Oldest first, without the state blobs. */
  list(runId: number): CheckpointInfo[] {
    const bestId = this.bestId(runId);
    return this.listStmt.all(runId).map((r) => ({
      id: r.id,
      step: r.step,
      createdAt: r.created_at,
      pinned: r.pinned === 1,
      metricName: r.metric_name,
      metricValue: r.metric_value,
      sizeBytes: r.size_bytes,
      isBest: r.id === bestId,
    }));
  }

  load(runId: number, which: CheckpointSelector): LoadedCheckpoint | undefined {
    let record: StateRecord | undefined;
    if (which === 'latest') record = this.latestStmt.get(runId);
    else if (which === 'best') {
      const bestId = this.bestId(runId);
      record = bestId === null ? this.latestStmt.get(runId) : this.byIdStmt.get(bestId);
    } else if (typeof which === 'number') record = this.byStepStmt.get(runId, which);
    else throw new StoreError(`checkpoint must be latest, best or a step number, got ${which}`);
    return record && toLoaded(record);
  }

  /** Unpinning does not delete: the next save's retention decides. */
  pin(id: number, pinned: boolean): void {
    if (this.pinStmt.run(pinned ? 1 : 0, id).changes === 0) throw checkpointMissing(id);
  }

  delete(id: number): void {
    if (this.deleteStmt.run(id).changes === 0) throw checkpointMissing(id);
  }

  private bestId(runId: number): number | null {
    const ref = this.metricRefStmt.get(runId);
    if (!ref) return null;
    const stmt = ref.higher === 1 ? this.bestHighStmt : this.bestLowStmt;
    return stmt.get(runId, ref.name)?.id ?? null;
  }
}

function toLoaded(r: StateRecord): LoadedCheckpoint {
  return { id: r.id, step: r.step, state: r.state, metricName: r.metric_name, metricValue: r.metric_value };
}

function checkpointMissing(id: number): StoreError {
  return new StoreError(`checkpoint ${id} does not exist`);
}
