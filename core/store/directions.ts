/**
 * The `directions` table: latent edit directions (unit vectors with the latents' standard
 * deviation along them), each bound to the run and checkpoint step it was computed for. Saving
 * a set replaces the directions of the same names for that checkpoint in one transaction, so
 * recomputing PCA replaces the old components instead of piling up beside them.
 */
import type { Statement } from 'better-sqlite3';
import { checkName, checkStep, nowIso, toJson } from './codec';
import type { Db } from './db';
import { StoreError, withRun } from './errors';

export type DirectionMethod = 'pca' | 'sefa' | 'supervised';

export interface DirectionInput {
  method: DirectionMethod;
  name: string;
  vector: number[];
  std: number;
  info?: Record<string, unknown>;
}

export interface DirectionRow extends Required<DirectionInput> {
  id: number;
  runId: number;
  checkpointStep: number;
  createdAt: string;
}

interface Record_ {
  id: number;
  run_id: number;
  checkpoint_step: number;
  created_at: string;
  method: DirectionMethod;
  name: string;
  vector: string;
  std: number;
  info: string;
}

export class Directions {
  private readonly deleteStmt: Statement;
  private readonly insertStmt: Statement;
  private readonly listStmt: Statement<[number, number], Record_>;
  private readonly getStmt: Statement<[number], Record_>;
  private readonly saveTx: (runId: number, step: number, rows: DirectionInput[]) => number[];

  constructor(db: Db) {
    this.deleteStmt = db.prepare(
      'DELETE FROM directions WHERE run_id = ? AND checkpoint_step = ? AND name = ?',
    );
    this.insertStmt = db.prepare(`
      INSERT INTO directions (run_id, checkpoint_step, created_at, method, name, vector, std, info)
      VALUES (@runId, @step, @createdAt, @method, @name, @vector, @std, @info)`);
    this.listStmt = db.prepare(
      'SELECT * FROM directions WHERE run_id = ? AND checkpoint_step = ? ORDER BY id',
    );
    this.getStmt = db.prepare('SELECT * FROM directions WHERE id = ?');
    const tx = db.transaction((runId: number, step: number, rows: DirectionInput[]) => {
      const createdAt = nowIso();
      return rows.map((r) => {
        this.deleteStmt.run(runId, step, r.name);
        const info = r.info ?? {};
        const params = {
          runId,
          step,
          createdAt,
          method: r.method,
          name: r.name,
          vector: toJson(r.vector, 'direction'),
          std: r.std,
          info: toJson(info, 'direction info'),
        };
        return Number(this.insertStmt.run(params).lastInsertRowid);
      });
    });
    this.saveTx = (runId, step, rows) => tx.immediate(runId, step, rows);
  }

  /** Saves (replacing same-named ones) and returns the new ids in order. */
  save(runId: number, checkpointStep: number, rows: DirectionInput[]): number[] {
    checkStep(checkpointStep, 'checkpoint step');
    for (const r of rows) {
      checkName(r.name, 'direction name');
      if (!r.vector.length || !r.vector.every(Number.isFinite)) {
        throw new StoreError(`direction ${r.name} must be a non-empty list of finite numbers`);
      }
      if (!(Number.isFinite(r.std) && r.std >= 0)) {
        throw new StoreError(`direction ${r.name} needs a finite, non-negative std, got ${r.std}`);
      }
    }
    return withRun(runId, () => this.saveTx(runId, checkpointStep, rows));
  }

  list(runId: number, checkpointStep: number): DirectionRow[] {
    return this.listStmt.all(runId, checkpointStep).map(toRow);
  }

  get(id: number): DirectionRow | undefined {
    const r = this.getStmt.get(id);
    return r && toRow(r);
  }
}

function toRow(r: Record_): DirectionRow {
  return {
    id: r.id,
    runId: r.run_id,
    checkpointStep: r.checkpoint_step,
    createdAt: r.created_at,
    method: r.method,
    name: r.name,
    vector: JSON.parse(r.vector),
    std: r.std,
    info: JSON.parse(r.info),
  };
}
