/** The `runs` table: one row per training run, its config, status and timings. */
import type { Statement } from 'better-sqlite3';
import { checkIso, checkName, checkStep, finiteOrNull, fromJson, nowIso, toJson } from './codec';
import type { Db } from './db';
import { runMissing, StoreError } from './errors';

export const RUN_STATUSES = [
  'created',
  'running',
  'paused',
  'completed',
  'stopped',
  'diverged',
  'failed',
  'interrupted',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export type RunConfig = Record<string, unknown>;

export interface RunRow {
  id: number;
  name: string;
  preset: string | null;
  model: string;
  dataset: string;
  config: RunConfig;
  status: RunStatus;
  step: number;
  totalSteps: number;
  backend: string | null;
  seed: number;
  tags: string[];
  notes: string;
  pid: number | null;
  error: string | null;
  bestMetric: number | null;
  bestMetricName: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  elapsedMs: number;
}

export interface NewRun {
  name: string;
  preset?: string | null;
  model: string;
  dataset: string;
  config: RunConfig;
  seed: number;
  totalSteps: number;
  backend?: string | null;
  tags?: string[];
  notes?: string;
}

export type RunPatch = Partial<
  Pick<
    RunRow,
    | 'status'
    | 'step'
    | 'backend'
    | 'pid'
    | 'error'
    | 'bestMetric'
    | 'bestMetricName'
    | 'tags'
    | 'notes'
    | 'name'
    | 'startedAt'
    | 'finishedAt'
    | 'elapsedMs'
    | 'totalSteps'
    | 'config'
  >
>;

export interface RunFilter {
  status?: RunStatus | RunStatus[];
  model?: string;
  dataset?: string;
  tag?: string;
  /** Case-insensitive substring of name, notes, preset, model, dataset or tags; or an exact run id. */
  search?: string;
  limit?: number;
}

interface RunRecord {
  id: number;
  name: string;
  preset: string | null;
  model: string;
  dataset: string;
  config: string;
  status: RunStatus;
  step: number;
  total_steps: number;
  backend: string | null;
  seed: number;
  tags: string;
  notes: string;
  pid: number | null;
  error: string | null;
  best_metric: number | null;
  best_metric_name: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  elapsed_ms: number;
}

const PATCH_COLUMNS: Record<keyof RunPatch, string> = {
  status: 'status',
  step: 'step',
  backend: 'backend',
  pid: 'pid',
  error: 'error',
  bestMetric: 'best_metric',
  bestMetricName: 'best_metric_name',
  tags: 'tags',
  notes: 'notes',
  name: 'name',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  elapsedMs: 'elapsed_ms',
  totalSteps: 'total_steps',
  config: 'config',
};

export class Runs {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[number], RunRecord>;
  private readonly deleteStmt: Statement<[number]>;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(`
      INSERT INTO runs (name, preset, model, dataset, config, status, step, total_steps, backend, seed,
                        tags, notes, created_at, updated_at)
      VALUES (@name, @preset, @model, @dataset, @config, 'created', 0, @totalSteps, @backend, @seed,
              @tags, @notes, @now, @now)`);
    this.getStmt = db.prepare('SELECT * FROM runs WHERE id = ?');
    this.deleteStmt = db.prepare('DELETE FROM runs WHERE id = ?');
  }

  create(input: NewRun): RunRow {
    if (!Number.isSafeInteger(input.seed)) throw new StoreError(`seed must be an integer, got ${input.seed}`);
    const info = this.insertStmt.run({
      name: checkName(input.name, 'run name'),
      preset: input.preset ?? null,
      model: checkName(input.model, 'model'),
      dataset: checkName(input.dataset, 'dataset'),
      config: encodeConfig(input.config),
      totalSteps: checkStep(input.totalSteps, 'totalSteps'),
      backend: input.backend ?? null,
      seed: input.seed,
      tags: encodeTags(input.tags ?? []),
      notes: input.notes ?? '',
      now: nowIso(),
    });
    return this.require(Number(info.lastInsertRowid));
  }

  get(id: number): RunRow | undefined {
    const record = this.getStmt.get(id);
    return record && toRunRow(record);
  }

  require(id: number): RunRow {
    const run = this.get(id);
    if (!run) throw runMissing(id);
    return run;
  }

  /** Newest first (by id, which follows creation order). */
  list(filter: RunFilter = {}): RunRow[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (filter.status !== undefined) {
      const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
      statuses.forEach(checkStatus);
      where.push('status IN (SELECT value FROM json_each(@statuses))');
      params.statuses = JSON.stringify(statuses);
    }
    if (filter.model !== undefined) {
      where.push('model = @model');
      params.model = filter.model;
    }
    if (filter.dataset !== undefined) {
      where.push('dataset = @dataset');
      params.dataset = filter.dataset;
    }
    if (filter.tag !== undefined) {
      where.push('EXISTS (SELECT 1 FROM json_each(runs.tags) WHERE value = @tag)');
      params.tag = filter.tag;
    }
    if (filter.search !== undefined && filter.search.trim() !== '') {
      where.push(searchClause());
      params.pattern = `%${escapeLike(filter.search.trim())}%`;
      params.exact = filter.search.trim();
    }
    const sql = [
      'SELECT * FROM runs',
      where.length > 0 ? `WHERE ${where.join(' AND ')}` : '',
      'ORDER BY id DESC',
      filter.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '',
    ].join(' ');
    return (this.db.prepare(sql).all(params) as RunRecord[]).map(toRunRow);
  }

  update(id: number, patch: RunPatch): RunRow {
    const sets: string[] = ['updated_at = @updatedAt'];
    const params: Record<string, unknown> = { id, updatedAt: nowIso() };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const column = PATCH_COLUMNS[key as keyof RunPatch];
      if (!column) throw new StoreError(`cannot update run field '${key}'`);
      sets.push(`${column} = @${key}`);
      params[key] = encodePatchValue(key as keyof RunPatch, value);
    }
    const info = this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(params);
    if (info.changes === 0) throw runMissing(id);
    return this.require(id);
  }

  /** Deletes the run and, by cascade, its metrics, checkpoints, samples and events. */
  delete(id: number): void {
    if (this.deleteStmt.run(id).changes === 0) throw runMissing(id);
  }
}

function toRunRow(r: RunRecord): RunRow {
  return {
    id: r.id,
    name: r.name,
    preset: r.preset,
    model: r.model,
    dataset: r.dataset,
    config: fromJson<RunConfig>(r.config) ?? {},
    status: r.status,
    step: r.step,
    totalSteps: r.total_steps,
    backend: r.backend,
    seed: r.seed,
    tags: fromJson<string[]>(r.tags) ?? [],
    notes: r.notes,
    pid: r.pid,
    error: r.error,
    bestMetric: r.best_metric,
    bestMetricName: r.best_metric_name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    elapsedMs: r.elapsed_ms,
  };
}

function encodePatchValue(key: keyof RunPatch, value: unknown): unknown {
  switch (key) {
    case 'status':
      return checkStatus(value as RunStatus);
    case 'step':
    case 'totalSteps':
    case 'elapsedMs':
      return checkStep(value as number, key);
    case 'pid':
      return value === null ? null : checkStep(value as number, 'pid');
    case 'bestMetric':
      return finiteOrNull(value as number | null);
    case 'tags':
      return encodeTags(value as string[]);
    case 'config':
      return encodeConfig(value as RunConfig);
    case 'startedAt':
    case 'finishedAt':
      return value === null ? null : checkIso(value as string, key);
    case 'name':
      return checkName(value as string, 'run name');
    default:
      return value;
  }
}

function checkStatus(status: RunStatus): RunStatus {
  if (!RUN_STATUSES.includes(status)) {
    throw new StoreError(`'${status}' is not a run status; use one of ${RUN_STATUSES.join(', ')}`);
  }
  return status;
}

function encodeConfig(config: RunConfig): string {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new StoreError('run config must be an object');
  }
  return toJson(config, 'run config');
}

/** Tags are trimmed and de-duplicated so tag filters match what the user typed. */
function encodeTags(tags: string[]): string {
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) {
    throw new StoreError('tags must be an array of strings');
  }
  return JSON.stringify([...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))]);
}

function searchClause(): string {
  const columns = ['name', 'notes', 'preset', 'model', 'dataset', 'tags'];
  const likes = columns.map((c) => `${c} LIKE @pattern ESCAPE '\\'`);
  return `(${likes.join(' OR ')} OR CAST(id AS TEXT) = @exact)`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
