/**
 * The application service for training: create, train, resume and sample runs against a run
 * store. The CLI calls it directly; the desktop and browser hosts bind to it. Everything that
 * can be wrong with a request is checked before a run row is written, so a bad request leaves
 * nothing behind.
 */
import type { ActiveBackend } from '../engine/backend';
import { processIsAlive, type RunRow, type RunStore } from '../store';
import {
  applySettings,
  ConfigError,
  parseConfig,
  type TrainConfig,
  type TrainConfigInput,
} from '../train/config';
import { type LoopHooks, type LoopOutcome, runLoop } from '../train/loop';
import { PRESETS, presetNames } from '../train/presets';
import { decodeState } from '../train/state-codec';
import { Trainer, type TrainingState } from '../train/trainer';
import { useBackend } from './backend';
import { UserError } from './errors';
import { imageMetricsProvider, type MetricsProviderHandle } from './image-metrics-provider';

export interface TrainRequest {
  preset: string;
  /** `key=value` overrides, as on the command line. */
  settings?: string[];
  steps?: number;
  seed?: number;
  name?: string;
}

export interface TrainResult extends LoopOutcome {
  runId: number;
  backend: string;
  metrics: Record<string, number | null>;
}

export type ProgressHooks = Pick<LoopHooks, 'onProgress' | 'control'> & {
  /** One-line notes on slow preparation (e.g. training the metrics classifier once). */
  onStatus?(message: string): void;
  /** How a run stopped by `control()` is recorded: 'paused' (the studio's Pause) or 'stopped' (default). */
  stoppedAs?(): 'stopped' | 'paused';
};

interface Prepared {
  trainer: Trainer;
  backend: ActiveBackend;
  metrics: MetricsProviderHandle | null;
}

/** Resolves a preset plus overrides to a validated config (throws UserError). */
export function resolveConfig(request: TrainRequest): TrainConfig {
  const preset = PRESETS[request.preset];
  if (!preset)
    throw new UserError(`unknown preset '${request.preset}'; choose one of ${presetNames().join(', ')}`);
  let input: TrainConfigInput = structuredClone(preset.config);
  try {
    input = applySettings(input, request.settings ?? []);
    if (request.steps !== undefined) input.steps = request.steps;
    if (request.seed !== undefined) input.seed = request.seed;
    return parseConfig(input);
  } catch (err) {
    if (err instanceof ConfigError) throw new UserError(err.message);
    throw err;
  }
}

export class TrainingService {
  constructor(private readonly store: RunStore) {}

  /** Backend, metrics classifier and trainer for a config; bad data becomes a UserError. */
  private async prepare(config: TrainConfig, hooks: ProgressHooks): Promise<Prepared> {
    let backend: ActiveBackend;
    backend = await useBackend(config.backend);
    let metrics: MetricsProviderHandle | null = null;
    try {
      metrics = imageMetricsProvider(this.store, config, hooks.onStatus);
      return { trainer: await Trainer.create(config, metrics ?? undefined), backend, metrics };
    } catch (err) {
      metrics?.dispose();
      const name = (err as Error).name;
      if (name === 'DataError' || name === 'ImageError') throw new UserError((err as Error).message);
      throw err;
    }
  }

  /** Creates a run and trains it to its budget. */
  async train(request: TrainRequest, hooks: ProgressHooks = {}): Promise<TrainResult> {
    const config = resolveConfig(request);
    const prepared = await this.prepare(config, hooks);
    const run = this.insertRun(request, config, prepared.backend.provider);
    return this.startPrepared(run, prepared, hooks);
  }

  /**
   * Writes a run row (status 'created') without loading data or a backend, so a host can show
   * the run at once and train it elsewhere (a worker) with `trainCreated`.
   */
  createRun(request: TrainRequest): RunRow {
    return this.insertRun(request, resolveConfig(request), null);
  }

  /** Trains a run made by `createRun` from step 0. */
  async trainCreated(runId: number, hooks: ProgressHooks = {}): Promise<TrainResult> {
    const run = this.requireRun(runId);
    if (run.step !== 0 || this.store.loadCheckpoint(runId, 'latest')) {
      throw new UserError(`run ${runId} has already trained; resume it instead`);
    }
    let config: TrainConfig;
    try {
      config = parseConfig(run.config);
    } catch (err) {
      throw new UserError(`run ${runId} has a config this version cannot use: ${(err as Error).message}`);
    }
    return this.startPrepared(run, await this.prepare(config, hooks), hooks);
  }

  private insertRun(request: TrainRequest, config: TrainConfig, backend: string | null): RunRow {
    return this.store.createRun({
      name: request.name ?? `${request.preset}-${config.model}-s${config.seed}`,
      preset: request.preset,
      model: config.model,
      dataset: config.dataset.name,
      config: config as unknown as Record<string, unknown>,
      seed: config.seed,
      totalSteps: config.steps,
      backend,
    });
  }

  private async startPrepared(run: RunRow, prepared: Prepared, hooks: ProgressHooks): Promise<TrainResult> {
    const { trainer, backend } = prepared;
    const skipped = trainer.data?.skipped ?? [];
    if (skipped.length) {
      this.store.addEvent(run.id, {
        step: 0,
        kind: 'data',
        message: `${skipped.length} file${skipped.length === 1 ? '' : 's'} skipped: ${skipped
          .slice(0, 5)
          .map((s) => `${s.file} (${s.reason})`)
          .join('; ')}${skipped.length > 5 ? '; ...' : ''}`,
        data: { skipped },
      });
    }
    this.store.addEvent(run.id, {
      step: 0,
      kind: 'start',
      message: `started on ${backend.provider}`,
      data: backend.skipped.length ? { skippedBackends: backend.skipped } : null,
    });
    return this.drive(run, prepared, hooks);
  }

  /** Continues a run from its latest checkpoint (or from scratch if it has none). */
  async resume(
    runId: number,
    options: { steps?: number } = {},
    hooks: ProgressHooks = {},
  ): Promise<TrainResult> {
    const run = this.requireRun(runId);
    if (run.status === 'running' && run.pid !== null && run.pid !== process.pid && processIsAlive(run.pid)) {
      throw new UserError(`run ${runId} is being trained by process ${run.pid}; stop it first`);
    }
    const totalSteps = options.steps ?? run.totalSteps;
    const checkpoint = this.store.loadCheckpoint(runId, 'latest');
    const fromStep = checkpoint?.step ?? 0;
    if (totalSteps <= fromStep) {
      throw new UserError(
        `run ${runId} is already at step ${fromStep} of ${totalSteps}; pass --steps N with N > ${fromStep} to train further`,
      );
    }
    let config: TrainConfig;
    try {
      config = parseConfig({ ...(run.config as object), steps: totalSteps });
    } catch (err) {
      throw new UserError(`run ${runId} has a config this version cannot use: ${(err as Error).message}`);
    }
    const prepared = await this.prepare(config, hooks);
    const { trainer, backend } = prepared;
    if (checkpoint) {
      try {
        trainer.setState(decodeState<TrainingState>(checkpoint.state));
      } catch (err) {
        trainer.dispose();
        prepared.metrics?.dispose();
        throw new UserError(
          `run ${runId}'s checkpoint at step ${checkpoint.step} cannot be loaded: ${(err as Error).message}`,
        );
      }
    }
    this.store.truncateAfter(runId, fromStep);
    this.store.updateRun(runId, { totalSteps, config: config as unknown as Record<string, unknown> });
    const note =
      backend.provider !== run.backend
        ? ` (was ${run.backend}: results will differ from an uninterrupted run)`
        : '';
    this.store.addEvent(runId, {
      step: fromStep,
      kind: 'resume',
      message: `resumed from ${checkpoint ? `checkpoint at step ${fromStep}` : 'the start (no checkpoint)'} on ${backend.provider}${note}`,
    });
    return this.drive(this.requireRun(runId), prepared, hooks);
  }

  private requireRun(runId: number): RunRow {
    const run = this.store.getRun(runId);
    if (!run) throw new UserError(`run ${runId} does not exist (see \`gan-studio runs\`)`);
    return run;
  }

  private async drive(run: RunRow, prepared: Prepared, hooks: ProgressHooks): Promise<TrainResult> {
    const { trainer, backend, metrics } = prepared;
    const store = this.store;
    const runId = run.id;
    const started = Date.now();
    const elapsedBefore = run.elapsedMs ?? 0;
    store.updateRun(runId, {
      status: 'running',
      pid: process.pid,
      backend: backend.provider,
      startedAt: run.startedAt ?? new Date(started).toISOString(),
      finishedAt: null,
      error: null,
    });
    let outcome: LoopOutcome;
    try {
      outcome = await runLoop(trainer, trainer.config.steps, {
        ...hooks,
        onTick: (t) => {
          const rows = [
            { step: t.step, name: 'lossD', value: t.lossD },
            { step: t.step, name: 'lossG', value: t.lossG },
            { step: t.step, name: 'dReal', value: t.dReal },
            { step: t.step, name: 'dFake', value: t.dFake },
          ];
          if (t.T !== null) rows.push({ step: t.step, name: 'T', value: t.T });
          if (t.p !== null) rows.push({ step: t.step, name: 'p', value: t.p });
          if (t.rd !== null) rows.push({ step: t.step, name: 'rd', value: t.rd });
          store.addMetrics(runId, rows);
          store.updateRun(runId, { step: t.step, elapsedMs: elapsedBefore + Date.now() - started });
        },
        onEval: (e) => {
          store.addMetrics(
            runId,
            Object.entries(e.metrics).map(([name, value]) => ({ step: e.step, name, value })),
          );
          for (const artifact of e.artifacts) store.saveSample(runId, { step: e.step, ...artifact });
        },
        onCheckpoint: (step, state, lastEval) => {
          const best = trainer.bestMetric;
          const metricValue = best ? lastEval?.metrics[best.name] : undefined;
          store.saveCheckpoint(
            runId,
            {
              step,
              state,
              metricName: metricValue === undefined ? undefined : best?.name,
              metricValue,
              higherIsBetter: best?.higherIsBetter,
            },
            { keepLast: trainer.config.keepCheckpoints },
          );
        },
      });
    } catch (err) {
      store.updateRun(runId, { status: 'failed', pid: null, error: (err as Error).message });
      store.addEvent(runId, { step: trainer.step, kind: 'error', message: (err as Error).message });
      trainer.dispose();
      metrics?.dispose();
      throw err;
    }
    trainer.dispose();
    metrics?.dispose();
    const paused = outcome.status === 'stopped' && hooks.stoppedAs?.() === 'paused';
    const best = store.listCheckpoints(runId).find((c) => c.isBest);
    store.updateRun(runId, {
      status: paused ? 'paused' : outcome.status,
      pid: null,
      finishedAt: new Date().toISOString(),
      elapsedMs: elapsedBefore + Date.now() - started,
      error: outcome.cause ?? null,
      bestMetric: best?.metricValue ?? null,
      bestMetricName: best?.metricName ?? null,
      ...(outcome.status === 'diverged' ? {} : { step: outcome.step }),
    });
    if (outcome.status === 'diverged') {
      store.addEvent(runId, { step: outcome.step, kind: 'diverged', message: outcome.cause ?? 'diverged' });
    } else if (outcome.status === 'stopped') {
      store.addEvent(runId, {
        step: outcome.step,
        kind: paused ? 'pause' : 'stop',
        message: `${paused ? 'paused' : 'stopped'} at step ${outcome.step}; checkpoint saved`,
      });
    }
    return {
      ...outcome,
      runId,
      backend: backend.provider,
      metrics: store.latestMetrics(runId),
    };
  }
}
