/**
 * The studio API: every contract method, bound to a run store, a training service and a host's
 * run manager. Both hosts (Electron IPC, browser-mode HTTP) call `call(method, input)`, which
 * validates the input with the contract's schema first; errors carry the contract's codes
 * (see api-error.ts). Training happens in the host's workers, never here.
 *
 *   const api = new StudioApi({ store, runs, notify });
 *   await api.call('listRuns', {});
 */
import { csvPoints } from '../data/csv-points';
import { processIsAlive, type RunRow, type RunStore } from '../store';
import type { TrainConfig } from '../train/config';
import { ApiError, conflict, invalid, notFound } from './api-error';
import { listConfigFields, listPresets, preflightFolder, validateConfig } from './config-info';
import {
  type ApiMethod,
  type ApiParsedInput,
  type ApiResults,
  type CompareResult,
  parseApiInput,
  type RunSummary,
} from './contract';
import { field2d } from './field-2d';
import {
  checkpointId,
  checkpointSummaries,
  listSamples,
  loadSample,
  metricSeries,
  runEvents,
  samplesGif,
} from './run-data';
import type { RunManager, StudioNotifier } from './run-manager';
import { toRunSummary } from './run-summary';
import { resolveConfig, TrainingService } from './training-service';

type Handler<M extends ApiMethod> = (input: ApiParsedInput<M>) => ApiResults[M] | Promise<ApiResults[M]>;
export type ApiHandlers = { [M in ApiMethod]: Handler<M> };

export const INVERSION_METHODS = [
  'startInversion',
  'abortInversion',
  'listInversions',
  'getInversion',
  'listDirections',
  'computeDirections',
  'edit',
  'interpolate',
] as const satisfies readonly ApiMethod[];
export type InversionMethod = (typeof INVERSION_METHODS)[number];
export type InversionHandlers = { [M in InversionMethod]: Handler<M> };

export interface StudioApiOptions {
  store: RunStore;
  runs: RunManager;
  notify: StudioNotifier;
  /** The inversion methods, when the host provides them. */
  inversions?: InversionHandlers;
}

/** Statuses from which Resume makes sense (the run has stopped and can train further). */
const RESUMABLE = new Set(['paused', 'stopped', 'interrupted', 'completed', 'failed', 'diverged', 'created']);

export class StudioApi {
  private readonly store: RunStore;
  private readonly service: TrainingService;
  private readonly handlers: ApiHandlers;

  constructor(private readonly options: StudioApiOptions) {
    this.store = options.store;
    this.service = new TrainingService(options.store);
    this.handlers = { ...this.runHandlers(), ...this.inversionHandlers() };
  }

  /** Validates `input` against the method's schema, then runs it. */
  async call<M extends ApiMethod>(method: M | string, input: unknown): Promise<ApiResults[M]> {
    const parsed = parseApiInput<M>(method, input);
    const handler = this.handlers[method as M] as Handler<M>;
    return handler(parsed);
  }

  private runHandlers(): Omit<ApiHandlers, InversionMethod> {
    const store = this.store;
    return {
      presets: () => listPresets(),
      configFields: () => listConfigFields(),
      validateConfig: ({ preset, settings }) => validateConfig(preset, settings),
      preflightFolder: ({ path }) => preflightFolder(path),
      listRuns: (filter) => store.listRuns(filter as Parameters<RunStore['listRuns']>[0]).map(toRunSummary),
      getRun: ({ runId }) => toRunSummary(this.requireRun(runId)),
      updateRun: ({ runId, ...patch }) => {
        this.requireRun(runId);
        const row = store.updateRun(runId, patch);
        this.options.notify.runChanged(runId);
        return toRunSummary(row);
      },
      deleteRun: ({ runId }) => {
        this.requireIdle(this.requireRun(runId), 'delete');
        store.deleteRun(runId);
        this.options.notify.runDeleted(runId);
        return { deleted: true as const };
      },
      startRun: (input) => this.startRun(input),
      pauseRun: ({ runId }) => this.halt(runId, 'pause'),
      stopRun: ({ runId }) => this.halt(runId, 'stop'),
      resumeRun: ({ runId, steps }) => this.resumeRun(runId, steps),
      compareRuns: ({ runIds }) => this.compare(runIds),
      metricNames: ({ runId }) => store.metricNames(this.requireRun(runId).id),
      metrics: ({ runId, names, sinceStep }) =>
        metricSeries(store, this.requireRun(runId).id, { names, sinceStep }),
      events: ({ runId }) => runEvents(store, this.requireRun(runId).id),
      listSamples: ({ runId, kind }) => listSamples(store, this.requireRun(runId).id, kind),
      sample: ({ runId, kind, step }) => loadSample(store, this.requireRun(runId).id, kind, step),
      samplesGif: ({ runId, kind, frameMs }) => samplesGif(store, this.requireRun(runId).id, kind, frameMs),
      field2d: ({ runId, ...request }) => field2d(store, runId, request),
      checkpoints: ({ runId }) => checkpointSummaries(store, this.requireRun(runId).id),
      pinCheckpoint: ({ runId, step, pinned }) => {
        store.pinCheckpoint(checkpointId(store, this.requireRun(runId).id, step), pinned);
        return checkpointSummaries(store, runId);
      },
      deleteCheckpoint: ({ runId, step }) => {
        const run = this.requireRun(runId);
        const checkpoints = store.listCheckpoints(runId);
        if (this.isTraining(run) && checkpoints.at(-1)?.step === step) {
          throw conflict(`checkpoint ${step} is the one run ${runId} would resume from; pause it first`);
        }
        store.deleteCheckpoint(checkpointId(store, runId, step));
        return checkpointSummaries(store, runId);
      },
    };
  }

  private inversionHandlers(): InversionHandlers {
    const provided = this.options.inversions;
    if (provided) return provided;
    const missing = (): never => {
      throw new ApiError('internal', 'inversion and editing are not part of this build of GAN Studio');
    };
    return Object.fromEntries(INVERSION_METHODS.map((m) => [m, missing])) as unknown as InversionHandlers;
  }

  private requireRun(runId: number): RunRow {
    const run = this.store.getRun(runId);
    if (!run) throw notFound(`run ${runId} does not exist`);
    return run;
  }

  /** Training here, or in another live process (the command line) according to the store. */
  private isTraining(run: RunRow): boolean {
    if (this.options.runs.isActive(run.id)) return true;
    return run.status === 'running' && run.pid !== null && run.pid !== process.pid && processIsAlive(run.pid);
  }

  private requireIdle(run: RunRow, action: string): void {
    if (this.isTraining(run)) {
      const where = this.options.runs.isActive(run.id) ? '' : ` by process ${run.pid} (stop it there)`;
      throw conflict(`run ${run.id} is training${where}; pause or stop it before you ${action} it`);
    }
  }

  private async startRun(input: ApiParsedInput<'startRun'>): Promise<RunSummary> {
    const request = { preset: input.preset, settings: input.settings, name: input.name };
    const config = resolveConfig(request);
    await checkDataBeforeCreating(config);
    const row = this.service.createRun(request);
    this.options.runs.start(row.id);
    this.options.notify.runChanged(row.id);
    return toRunSummary(this.store.getRun(row.id) ?? row);
  }

  private async resumeRun(runId: number, steps: number | undefined): Promise<RunSummary> {
    const run = this.requireRun(runId);
    this.requireIdle(run, 'resume');
    if (!RESUMABLE.has(run.status) && run.status !== 'running') {
      throw conflict(`run ${runId} is ${run.status}; it cannot be resumed`);
    }
    const from = this.store.listCheckpoints(runId).at(-1)?.step ?? 0;
    const total = steps ?? run.totalSteps;
    if (total <= from) {
      throw invalid(
        `run ${runId} is already at step ${from} of ${total}; pass steps > ${from} to train further`,
      );
    }
    this.options.runs.resume(runId, steps);
    this.options.notify.runChanged(runId);
    return toRunSummary(this.requireRun(runId));
  }

  private async halt(runId: number, action: 'pause' | 'stop'): Promise<RunSummary> {
    const run = this.requireRun(runId);
    if (!this.options.runs.isActive(runId)) {
      if (this.isTraining(run))
        throw conflict(`run ${runId} is trained by process ${run.pid}; ${action} it there`);
      throw conflict(`run ${runId} is not training (it is ${run.status})`);
    }
    await (action === 'pause' ? this.options.runs.pause(runId) : this.options.runs.stop(runId));
    return toRunSummary(this.requireRun(runId));
  }

  private compare(runIds: number[]): CompareResult {
    const runs = runIds.map((id) => this.requireRun(id));
    const flat = runs.map((r) => flatten(r.config));
    const keys = [...new Set(flat.flatMap((f) => [...f.keys()]))].sort();
    const differing = keys
      .map((key) => ({ key, values: flat.map((f) => (f.has(key) ? f.get(key) : null)) }))
      .filter(({ values }) => new Set(values.map((v) => JSON.stringify(v))).size > 1);
    return { runs: runs.map(toRunSummary), differing };
  }
}

/** Data problems a worker would only meet later: refused here, before a run row exists. */
async function checkDataBeforeCreating(config: TrainConfig): Promise<void> {
  const { name, path } = config.dataset;
  if (name === 'csv' && path) {
    try {
      csvPoints(path);
    } catch (err) {
      throw invalid((err as Error).message.split('\n')[0]);
    }
  }
  if (name === 'folder' && path) {
    const report = await preflightFolder(path);
    if (report.refusal) throw invalid(report.refusal);
  }
}

/** Leaf values of a nested config by dot path. */
function flatten(config: Record<string, unknown>, prefix = '', out = new Map<string, unknown>()) {
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      flatten(value as Record<string, unknown>, path, out);
    } else out.set(path, value);
  }
  return out;
}
