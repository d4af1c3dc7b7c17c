/**
 * Finding runs whose training process died (crash, kill, power loss) while the database
 * still says 'running'. Called at start-up by the CLI, server and app.
 */
import type { Statement } from 'better-sqlite3';
import { nowIso } from './codec';
import type { Db } from './db';
import type { Events } from './events';

/** True if a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Recovery {
  private readonly runningStmt: Statement<[], { id: number; pid: number | null; step: number }>;
  private readonly markStmt: Statement<[string, number, number | null]>;
  private readonly markTx: (candidates: { id: number; pid: number | null; step: number }[]) => number[];

  constructor(db: Db, events: Events) {
    this.runningStmt = db.prepare("SELECT id, pid, step FROM runs WHERE status = 'running' ORDER BY id");
    // Re-checks status and pid: the run may have been picked up again since we looked.
    this.markStmt = db.prepare(`
      UPDATE runs SET status = 'interrupted', pid = NULL, updated_at = ?
      WHERE id = ? AND status = 'running' AND pid IS ?`);
    const tx = db.transaction((candidates: { id: number; pid: number | null; step: number }[]) => {
      const marked: number[] = [];
      for (const run of candidates) {
        if (this.markStmt.run(nowIso(), run.id, run.pid).changes === 0) continue;
        const who = run.pid === null ? 'no recorded process' : `process ${run.pid} is gone`;
        events.add(run.id, {
          step: run.step,
          kind: 'interrupted',
          message: `training stopped unexpectedly (${who}); resume from the last checkpoint`,
          data: { pid: run.pid },
        });
        marked.push(run.id);
      }
      return marked;
    });
    this.markTx = (candidates) => tx.immediate(candidates);
  }

  /** Marks 'running' runs whose pid is not alive as 'interrupted'; returns their ids. */
  markInterrupted(isAlive: (pid: number) => boolean): number[] {
    // isAlive runs outside the transaction: it is caller code and must not hold the write lock.
    const dead = this.runningStmt.all().filter((run) => run.pid === null || !isAlive(run.pid));
    return dead.length === 0 ? [] : this.markTx(dead);
  }
}
