/** The `events` table: the run's history (start, pause, resume, divergence, config changes, ...). */
import type { Statement } from 'better-sqlite3';
import { checkName, checkStep, fromJson, nowIso, toJson } from './codec';
import type { Db } from './db';
import { withRun } from './errors';

export const EVENT_KINDS = [
  'start',
  'pause',
  'resume',
  'stop',
  'diverged',
  'checkpoint',
  'config',
  'interrupted',
  'error',
] as const;
/** The known kinds; any other non-empty string is stored as well. */
export type EventKind = (typeof EVENT_KINDS)[number] | (string & {});

export type EventData = Record<string, unknown>;

export interface EventInput {
  step: number;
  kind: EventKind;
  message: string;
  data?: EventData | null;
}

export interface EventRow {
  id: number;
  runId: number;
  step: number;
  time: string;
  kind: EventKind;
  message: string;
  data: EventData | null;
}

interface EventRecord {
  id: number;
  run_id: number;
  step: number;
  time: string;
  kind: string;
  message: string;
  data: string | null;
}

export class Events {
  private readonly insertStmt: Statement<unknown[], EventRecord>;
  private readonly listStmt: Statement<[number], EventRecord>;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO events (run_id, step, time, kind, message, data) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
    );
    this.listStmt = db.prepare('SELECT * FROM events WHERE run_id = ? ORDER BY id');
  }

  add(runId: number, event: EventInput): EventRow {
    const data = event.data == null ? null : toJson(event.data, 'event data');
    const params = [
      runId,
      checkStep(event.step),
      nowIso(),
      checkName(event.kind, 'event kind'),
      event.message,
      data,
    ];
    return toEventRow(withRun(runId, () => this.insertStmt.get(...params) as EventRecord));
  }

  /** Oldest first. */
  list(runId: number): EventRow[] {
    return this.listStmt.all(runId).map(toEventRow);
  }
}

function toEventRow(r: EventRecord): EventRow {
  return {
    id: r.id,
    runId: r.run_id,
    step: r.step,
    time: r.time,
    kind: r.kind,
    message: r.message,
    data: fromJson<EventData>(r.data),
  };
}
