/**
 * The run store: one SQLite file holding runs, metrics, checkpoints, samples and events.
 * Each process (or worker thread) opens its own RunStore on the same path; WAL lets readers
 * proceed while one writer commits, and the busy timeout makes concurrent writers wait.
 */
import {
  type CheckpointInfo,
  type CheckpointInput,
  type CheckpointSelector,
  Checkpoints,
  type LoadedCheckpoint,
  type RetentionPolicy,
} from './checkpoints';
import { Classifiers, type StoredClassifier } from './classifiers';
import { type Db, openDatabase } from './db';
import { type DirectionInput, type DirectionRow, Directions } from './directions';
import { Encoders, type StoredEncoder } from './encoders';
import { type EventInput, type EventRow, Events } from './events';
import { type InversionInput, type InversionRow, Inversions } from './inversions';
import { type MetricInput, type MetricPoint, type MetricQuery, Metrics } from './metrics';
import { Recovery } from './recovery';
import { type NewRun, type RunFilter, type RunPatch, type RunRow, Runs } from './runs';
import { type Sample, type SampleInfo, type SampleInput, Samples } from './samples';
import { type TruncateResult, Truncator } from './truncate';

export type {
  CheckpointInfo,
  CheckpointInput,
  CheckpointSelector,
  LoadedCheckpoint,
  RetentionPolicy,
} from './checkpoints';
export type { StoredClassifier } from './classifiers';
export { BUSY_TIMEOUT_MS, type Db } from './db';
export type { DirectionInput, DirectionMethod, DirectionRow } from './directions';
export type { StoredEncoder } from './encoders';
export { StoreError } from './errors';
export { EVENT_KINDS, type EventData, type EventInput, type EventKind, type EventRow } from './events';
export type { InversionInput, InversionRow } from './inversions';
export type { MetricInput, MetricPoint, MetricQuery } from './metrics';
export { processIsAlive } from './recovery';
export {
  type NewRun,
  RUN_STATUSES,
  type RunConfig,
  type RunFilter,
  type RunPatch,
  type RunRow,
  type RunStatus,
} from './runs';
export type { Sample, SampleInfo, SampleInput } from './samples';
export { MIGRATIONS, SCHEMA_VERSION } from './schema';
export type { TruncateResult } from './truncate';

export class RunStore {
  private readonly runs: Runs;
  private readonly metricsTable: Metrics;
  private readonly checkpoints: Checkpoints;
  private readonly samples: Samples;
  private readonly eventsTable: Events;
  private readonly truncator: Truncator;
  private readonly recovery: Recovery;
  private readonly classifiers: Classifiers;
  private readonly inversions: Inversions;
  private readonly directions: Directions;
  private readonly encoders: Encoders;

  /** `db` is the raw connection, for tests and one-off queries; prefer the methods. */
  private constructor(
    readonly path: string,
    readonly db: Db,
  ) {
    this.runs = new Runs(db);
    this.metricsTable = new Metrics(db);
    this.checkpoints = new Checkpoints(db);
    this.samples = new Samples(db);
    this.eventsTable = new Events(db);
    this.truncator = new Truncator(db);
    this.recovery = new Recovery(db, this.eventsTable);
    this.classifiers = new Classifiers(db);
    this.inversions = new Inversions(db);
    this.directions = new Directions(db);
    this.encoders = new Encoders(db);
  }

  /** Creates the parent folder and the schema as needed. Throws StoreError with a one-line message. */
  static open(path: string): RunStore {
    return new RunStore(path, openDatabase(path));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  integrityCheck(): string {
    const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join('\n');
  }

  // Runs

  createRun(input: NewRun): RunRow {
    return this.runs.create(input);
  }

  getRun(id: number): RunRow | undefined {
    return this.runs.get(id);
  }

  requireRun(id: number): RunRow {
    return this.runs.require(id);
  }

  listRuns(filter: RunFilter = {}): RunRow[] {
    return this.runs.list(filter);
  }

  updateRun(id: number, patch: RunPatch): RunRow {
    return this.runs.update(id, patch);
  }

  deleteRun(id: number): void {
    this.runs.delete(id);
  }

  markInterruptedRuns(isAlive: (pid: number) => boolean): number[] {
    return this.recovery.markInterrupted(isAlive);
  }

  // Metrics

  addMetrics(runId: number, rows: MetricInput[]): void {
    this.metricsTable.add(runId, rows);
  }

  metrics(runId: number, query: MetricQuery = {}): MetricPoint[] {
    return this.metricsTable.list(runId, query);
  }

  metricNames(runId: number): string[] {
    return this.metricsTable.names(runId);
  }

  latestMetrics(runId: number): Record<string, number | null> {
    return this.metricsTable.latest(runId);
  }

  truncateAfter(runId: number, step: number): TruncateResult {
    return this.truncator.truncateAfter(runId, step);
  }

  // Events

  addEvent(runId: number, event: EventInput): EventRow {
    return this.eventsTable.add(runId, event);
  }

  events(runId: number): EventRow[] {
    return this.eventsTable.list(runId);
  }

  // Checkpoints

  saveCheckpoint(runId: number, checkpoint: CheckpointInput, policy: RetentionPolicy): number {
    return this.checkpoints.save(runId, checkpoint, policy);
  }

  listCheckpoints(runId: number): CheckpointInfo[] {
    return this.checkpoints.list(runId);
  }

  loadCheckpoint(runId: number, which: CheckpointSelector): LoadedCheckpoint | undefined {
    return this.checkpoints.load(runId, which);
  }

  pinCheckpoint(id: number, pinned: boolean): void {
    this.checkpoints.pin(id, pinned);
  }

  deleteCheckpoint(id: number): void {
    this.checkpoints.delete(id);
  }

  // Samples

  saveSample(runId: number, sample: SampleInput): void {
    this.samples.save(runId, sample);
  }

  listSamples(runId: number, kind?: string): SampleInfo[] {
    return this.samples.list(runId, kind);
  }

  loadSample(runId: number, kind: string, step: number): Sample | undefined {
    return this.samples.load(runId, kind, step);
  }

  /** The kept metric classifier for a dataset key, if one was trained. */
  loadClassifier(key: string): StoredClassifier | undefined {
    return this.classifiers.get(key);
  }

  saveClassifier(
    key: string,
    entry: { accuracy: number | null; info: Record<string, unknown>; data: Uint8Array },
  ): void {
    this.classifiers.put(key, entry);
  }

  // Inversions, edit directions and encoders (bound to a run and a checkpoint step)

  /** Returns the new inversion's id. */
  addInversion(runId: number, inversion: InversionInput): number {
    return this.inversions.add(runId, inversion);
  }

  listInversions(runId: number): InversionRow[] {
    return this.inversions.list(runId);
  }

  getInversion(id: number): InversionRow | undefined {
    return this.inversions.get(id);
  }

  /** Saves directions for one checkpoint, replacing same-named ones; returns their ids. */
  saveDirections(runId: number, checkpointStep: number, directions: DirectionInput[]): number[] {
    return this.directions.save(runId, checkpointStep, directions);
  }

  listDirections(runId: number, checkpointStep: number): DirectionRow[] {
    return this.directions.list(runId, checkpointStep);
  }

  getDirection(id: number): DirectionRow | undefined {
    return this.directions.get(id);
  }

  saveEncoder(
    runId: number,
    checkpointStep: number,
    entry: { info: Record<string, unknown>; data: Uint8Array },
  ): void {
    this.encoders.put(runId, checkpointStep, entry);
  }

  loadEncoder(runId: number, checkpointStep: number): StoredEncoder | undefined {
    return this.encoders.get(runId, checkpointStep);
  }

  listEncoders(runId: number): Omit<StoredEncoder, 'data'>[] {
    return this.encoders.list(runId);
  }
}
