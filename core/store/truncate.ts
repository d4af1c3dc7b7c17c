/**
 * Rewinding a run to a checkpoint before it resumes: everything recorded after that step
 * belongs to the abandoned continuation and would otherwise mix with the new one. Events
 * are kept, since they are the run's history (e.g. the divergence that caused the rewind).
 */
import type { Statement } from 'better-sqlite3';
import { checkStep, nowIso } from './codec';
import type { Db } from './db';

export interface TruncateResult {
  metrics: number;
  samples: number;
  checkpoints: number;
}

export class Truncator {
  private readonly tx: (runId: number, step: number) => TruncateResult;

  constructor(db: Db) {
    const del = (table: string): Statement<[number, number]> =>
      db.prepare(`DELETE FROM ${table} WHERE run_id = ? AND step > ?`);
    const metrics = del('metrics');
    const samples = del('samples');
    const checkpoints = del('checkpoints');
    const runStep = db.prepare('UPDATE runs SET step = ?, updated_at = ? WHERE id = ? AND step > ?');
    const tx = db.transaction((runId: number, step: number) => {
      const result = {
        metrics: metrics.run(runId, step).changes,
        samples: samples.run(runId, step).changes,
        checkpoints: checkpoints.run(runId, step).changes,
      };
      runStep.run(step, nowIso(), runId, step);
      return result;
    });
    this.tx = (runId, step) => tx.immediate(runId, step);
  }

  /**
   * Deletes metrics, samples and checkpoints (pinned ones too) with step > `step`, and lowers
   * the run's step to `step` if it was past it; all in one transaction.
   */
  truncateAfter(runId: number, step: number): TruncateResult {
    return this.tx(runId, checkStep(step));
  }
}
