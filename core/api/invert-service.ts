/**
 * The application service for GAN inversion and latent editing (issue 4): its methods map 1:1
 * onto the contract's inversion methods (core/api/contract.ts) plus `trainEncoder`. Hosts bind
 * them to IPC / HTTP and may run `invert` and `trainEncoder` in a worker thread, so the service
 * holds no global state: everything goes through the constructor's store, and `dispose()` frees
 * the models it keeps.
 *
 * Loaded generators are cached per (run, checkpoint step, checkpoint time), so repeated edits of
 * one checkpoint cost one G forward each. Every request is checked (run exists, is an image run,
 * has the checkpoint, latent length, direction bound to this checkpoint) before anything is
 * stored; failures a user can fix are one-line UserErrors.
 */

import { encodeGridPng } from '../data/images/png-encode';
import { type ComputedDirection, directSliders, pcaDirections, sefaDirections } from '../invert/directions';
import { applyDirections, interpolationLatents } from '../invert/edit';
import { Encoder } from '../invert/encoder';
import { GanModel } from '../invert/gan-model';
import { PROJECTOR_DEFAULTS, type ProjectorOptions, project } from '../invert/projector';
import { parseAttribute, supervisedDirection } from '../invert/supervised';
import { prepareTarget } from '../invert/target';
import { Classifier } from '../metrics/classifier';
import type { CheckpointInfo, InversionRow, RunRow, RunStore } from '../store';
import { isImageDataset, parseConfig, type TrainConfig } from '../train/config';
import { decodeState } from '../train/state-codec';
import type { TrainingState } from '../train/trainer';
import { useBackend } from './backend';
import {
  type ApiInput,
  ApiInputError,
  type ApiMethod,
  type ApiParsedInput,
  type DirectionInfo,
  type InversionInfo,
  parseApiInput,
} from './contract';
import { UserError } from './errors';

export interface InversionProgress {
  step: number;
  steps: number;
  loss: number;
  psnr: number;
  /** The current reconstruction as a base64 PNG, every few steps. */
  reconstructionPng?: string;
}

export interface InvertHooks {
  onProgress?(progress: InversionProgress): void;
  signal?: AbortSignal;
  /** Names the image in error messages (e.g. its file name). */
  imageLabel?: string;
  /** Projector settings beyond the contract's (loss weights, lr, seed...). */
  projector?: Partial<Omit<ProjectorOptions, 'steps' | 'start' | 'initial' | 'onProgress' | 'signal'>>;
}

export interface TrainEncoderInput {
  runId: number;
  checkpoint?: 'latest' | 'best' | number;
  steps?: number;
}

export interface EncoderInfo {
  runId: number;
  checkpointStep: number;
  steps: number;
  loss: number;
  elapsedMs: number;
}

interface Loaded {
  runId: number;
  step: number;
  model: GanModel;
  config: TrainConfig;
  encoder: Encoder | null;
}

/** Generators kept loaded at once (a slider session touches one; comparisons a few). */
const CACHE_SIZE = 4;
const DEFAULT_ENCODER_STEPS = 1500;

export class InvertService {
  private readonly cache = new Map<string, Loaded>();

  constructor(private readonly store: RunStore) {}

  /** Inverts an image into the checkpoint's latent space and stores the result. */
  async invert(input: ApiInput<'startInversion'>, hooks: InvertHooks = {}): Promise<InversionInfo> {
    const req = parse('startInversion', input);
    const loaded = await this.load(req.runId, req.checkpoint);
    const bytes = Buffer.from(req.imageBase64, 'base64');
    if (!bytes.length) throw new UserError('the image is empty (no bytes)');
    const target = prepareTarget(bytes, loaded.model.shape, hooks.imageLabel ?? 'image');
    let initial: Float32Array | undefined;
    if (req.start === 'encoder') initial = this.encoderFor(loaded).predict(target.pixels);
    const { shape } = loaded.model;
    const settings = { ...PROJECTOR_DEFAULTS, ...hooks.projector };
    const result = project(loaded.model, target.pixels, {
      ...settings,
      steps: req.steps,
      start: req.start,
      initial,
      signal: hooks.signal,
      onProgress: (p) =>
        hooks.onProgress?.({
          step: p.step,
          steps: p.steps,
          loss: p.loss,
          psnr: p.psnr,
          reconstructionPng: p.reconstruction ? base64(pngOf(p.reconstruction, shape)) : undefined,
        }),
    });
    const id = this.store.addInversion(req.runId, {
      checkpointStep: loaded.step,
      latentSpace: loaded.model.layout.space,
      latent: Array.from(result.latent),
      steps: req.steps,
      start: req.start,
      psnr: result.psnr,
      ssim: result.ssim,
      elapsedMs: result.elapsedMs,
      lossCurve: result.lossCurve,
      settings,
      targetPng: target.png,
      reconstructionPng: pngOf(result.reconstruction, shape),
    });
    return toInversionInfo(this.store.getInversion(id) as InversionRow);
  }

  listInversions(input: ApiInput<'listInversions'>): InversionInfo[] {
    const { runId } = parse('listInversions', input);
    this.requireRun(runId);
    return this.store.listInversions(runId).map(toInversionInfo);
  }

  getInversion(input: ApiInput<'getInversion'>): InversionInfo {
    const { inversionId } = parse('getInversion', input);
    const row = this.store.getInversion(inversionId);
    if (!row) throw new UserError(`inversion ${inversionId} does not exist`);
    return toInversionInfo(row);
  }

  /** Stored directions of the checkpoint, then the model's class / code sliders. */
  async listDirections(input: ApiInput<'listDirections'>): Promise<DirectionInfo[]> {
    const req = parse('listDirections', input);
    const loaded = await this.load(req.runId, req.checkpoint);
    const stored = this.store.listDirections(req.runId, loaded.step).map(
      (d): DirectionInfo => ({
        id: `d${d.id}`,
        name: d.name,
        method: d.method,
        checkpointStep: d.checkpointStep,
        std: d.std,
      }),
    );
    const direct = directSliders(loaded.model, this.classNames(loaded)).map(
      (s): DirectionInfo => ({
        id: s.name,
        name: s.name,
        method: s.method,
        checkpointStep: loaded.step,
        std: s.std,
      }),
    );
    return [...stored, ...direct];
  }

  /** Computes and stores directions (replacing same-named ones of this checkpoint). */
  async computeDirections(input: ApiInput<'computeDirections'>): Promise<DirectionInfo[]> {
    const req = parse('computeDirections', input);
    const loaded = await this.load(req.runId, req.checkpoint);
    let computed: ComputedDirection[];
    if (req.method === 'pca') computed = pcaDirections(loaded.model, req.k);
    else if (req.method === 'sefa') computed = sefaDirections(loaded.model, req.k);
    else {
      const attribute = parseAttribute(req.attribute);
      if (attribute.kind === 'factor' && loaded.config.dataset.name !== 'shapes') {
        throw new UserError(
          `factor attributes are measured on drawn shapes; run ${req.runId} is trained on ${loaded.config.dataset.name}: use class=K`,
        );
      }
      const classifier = attribute.kind === 'class' ? this.classifierFor(loaded) : undefined;
      try {
        computed = [supervisedDirection(loaded.model, attribute, { classifier })];
      } finally {
        classifier?.dispose();
      }
    }
    const ids = this.store.saveDirections(
      req.runId,
      loaded.step,
      computed.map((d) => ({ method: req.method, name: d.name, vector: d.vector, std: d.std, info: d.info })),
    );
    return computed.map((d, i) => ({
      id: `d${ids[i]}`,
      name: d.name,
      method: req.method,
      checkpointStep: loaded.step,
      std: d.std,
    }));
  }

  /** G(latent + sum alpha_i d_i) as PNG bytes. */
  async edit(input: ApiInput<'edit'>): Promise<Uint8Array> {
    const req = parse('edit', input);
    const loaded = await this.load(req.runId, req.checkpoint);
    loaded.model.checkLatent(req.latent);
    const steps = Object.entries(req.alphas).map(([key, alpha]) => ({
      vector: this.resolveDirection(loaded, key),
      alpha,
    }));
    const image = loaded.model.render(applyDirections(req.latent, steps));
    return pngOf(image, loaded.model.shape);
  }

  /** A strip of `frames` images from one latent to another, as PNG bytes. */
  async interpolate(input: ApiInput<'interpolate'>): Promise<Uint8Array> {
    const req = parse('interpolate', input);
    const loaded = await this.load(req.runId, req.checkpoint);
    loaded.model.checkLatent(req.from, 'from');
    loaded.model.checkLatent(req.to, 'to');
    const latents = interpolationLatents(req.from, req.to, req.frames, loaded.model.layout);
    const images = loaded.model.render(latents);
    const { height, width, channels } = loaded.model.shape;
    return encodeGridPng(images, { count: req.frames, cols: req.frames, height, width, channels, pad: 2 });
  }

  /** Trains the checkpoint's encoder (replacing any earlier one) and stores it. */
  async trainEncoder(
    input: TrainEncoderInput,
    hooks: { onProgress?(p: { step: number; steps: number; loss: number }): void; signal?: AbortSignal } = {},
  ): Promise<EncoderInfo> {
    const steps = input.steps ?? DEFAULT_ENCODER_STEPS;
    if (!Number.isInteger(steps) || steps < 1 || steps > 100_000) {
      throw new UserError(`encoder steps must be a whole number from 1 to 100000, got ${steps}`);
    }
    const loaded = await this.load(input.runId, input.checkpoint ?? 'latest');
    const started = performance.now();
    const { encoder, loss } = Encoder.train(loaded.model, { steps, ...hooks });
    if (!Number.isFinite(loss)) {
      encoder.dispose();
      throw new UserError(`encoder training diverged (loss ${loss}); nothing was stored`);
    }
    this.store.saveEncoder(input.runId, loaded.step, {
      info: { steps, loss },
      data: encoder.serialize({ steps, loss }),
    });
    loaded.encoder?.dispose();
    loaded.encoder = encoder;
    return {
      runId: input.runId,
      checkpointStep: loaded.step,
      steps,
      loss,
      elapsedMs: performance.now() - started,
    };
  }

  dispose(): void {
    for (const loaded of this.cache.values()) disposeLoaded(loaded);
    this.cache.clear();
  }

  private requireRun(runId: number): RunRow {
    const run = this.store.getRun(runId);
    if (!run) throw new UserError(`run ${runId} does not exist (see \`gan-studio runs\`)`);
    return run;
  }

  /** The checkpoint's model, loaded once and cached. */
  private async load(runId: number, selector: 'latest' | 'best' | number): Promise<Loaded> {
    const run = this.requireRun(runId);
    const datasetName = (run.config as { dataset?: { name?: string } }).dataset?.name ?? run.dataset;
    if (!isImageDataset(datasetName)) {
      throw new UserError(
        `run ${runId} is a 2D run (${datasetName}: points, not images); inversion and editing need an image run (mnist, shapes, folder)`,
      );
    }
    const checkpoint = pickCheckpoint(runId, this.store.listCheckpoints(runId), selector, run);
    const key = `${runId}:${checkpoint.step}:${checkpoint.createdAt}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Most recently used last, so eviction takes the oldest.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    let config: TrainConfig;
    try {
      config = parseConfig(run.config);
    } catch (err) {
      throw new UserError(`run ${runId} has a config this version cannot use: ${(err as Error).message}`);
    }
    await useBackend(config.backend);
    const stored = this.store.loadCheckpoint(runId, checkpoint.step);
    if (!stored)
      throw new UserError(
        `run ${runId}'s checkpoint at step ${checkpoint.step} was deleted meanwhile; try again`,
      );
    let state: TrainingState;
    try {
      state = decodeState<TrainingState>(stored.state);
    } catch (err) {
      throw new UserError(
        `run ${runId}'s checkpoint at step ${checkpoint.step} cannot be loaded: ${(err as Error).message}`,
      );
    }
    const model = GanModel.fromCheckpoint(runId, config, state);
    const loaded: Loaded = { runId, step: checkpoint.step, model, config, encoder: null };
    this.cache.set(key, loaded);
    while (this.cache.size > CACHE_SIZE) {
      const [oldest, entry] = this.cache.entries().next().value as [string, Loaded];
      disposeLoaded(entry);
      this.cache.delete(oldest);
    }
    return loaded;
  }

  private encoderFor(loaded: Loaded): Encoder {
    if (loaded.encoder) return loaded.encoder;
    const stored = this.store.loadEncoder(loaded.runId, loaded.step);
    if (!stored) {
      throw new UserError(
        `run ${loaded.runId} has no encoder for checkpoint step ${loaded.step}; train one first (gan-studio encoder --run ${loaded.runId} --checkpoint ${loaded.step})`,
      );
    }
    loaded.encoder = Encoder.deserialize(stored.data, loaded.model);
    return loaded.encoder;
  }

  /** The dataset's metrics classifier (kept in the store by the training service). */
  private classifierFor(loaded: Loaded): Classifier {
    const { name, size } = loaded.config.dataset;
    const key = `${name}:${size}`;
    const stored = name === 'mnist' || name === 'shapes' ? this.store.loadClassifier(key) : undefined;
    if (!stored) {
      throw new UserError(
        `no ${key} classifier is stored to label classes; train any ${name} run with imageMetrics on first (it keeps one)`,
      );
    }
    return Classifier.deserialize(stored.data);
  }

  private classNames(loaded: Loaded): string[] | undefined {
    if (loaded.config.dataset.name === 'shapes') return ['square', 'ellipse', 'heart'];
    return undefined;
  }

  /** A direction's vector by stored id ('d12'), direct-slider name or stored name; bound to this checkpoint. */
  private resolveDirection(loaded: Loaded, key: string): number[] {
    const byId = /^d(\d+)$/.exec(key);
    if (byId) {
      const row = this.store.getDirection(Number(byId[1]));
      if (!row) throw new UserError(`direction ${key} does not exist`);
      if (row.runId !== loaded.runId) {
        throw new UserError(`direction ${key} belongs to run ${row.runId}, not run ${loaded.runId}`);
      }
      if (row.checkpointStep !== loaded.step) {
        throw new UserError(
          `direction ${key} was computed for checkpoint step ${row.checkpointStep} of run ${loaded.runId}, not step ${loaded.step}; compute directions for this checkpoint first`,
        );
      }
      loaded.model.checkLatent(row.vector, `direction ${key}`);
      return row.vector;
    }
    const direct = directSliders(loaded.model, this.classNames(loaded)).find((s) => s.name === key);
    if (direct) return direct.vector;
    const stored = this.store.listDirections(loaded.runId, loaded.step).find((d) => d.name === key);
    if (stored) return stored.vector;
    throw new UserError(
      `unknown direction '${key}' for run ${loaded.runId} at checkpoint step ${loaded.step}; list them with gan-studio directions --run ${loaded.runId} --list`,
    );
  }
}

function parse<M extends ApiMethod>(method: M, input: unknown): ApiParsedInput<M> {
  try {
    return parseApiInput<M>(method, input);
  } catch (err) {
    if (err instanceof ApiInputError) throw new UserError(err.message);
    throw err;
  }
}

function pickCheckpoint(
  runId: number,
  checkpoints: CheckpointInfo[],
  selector: 'latest' | 'best' | number,
  run: RunRow,
): CheckpointInfo {
  if (!checkpoints.length) {
    const every = (run.config as { checkpointEvery?: number }).checkpointEvery;
    throw new UserError(
      `run ${runId} has no checkpoint yet${every ? ` (it saves one every ${every} steps)` : ''}; train it further first`,
    );
  }
  if (selector === 'latest') return checkpoints[checkpoints.length - 1];
  if (selector === 'best') return checkpoints.find((c) => c.isBest) ?? checkpoints[checkpoints.length - 1];
  const found = checkpoints.find((c) => c.step === selector);
  if (!found) {
    throw new UserError(
      `run ${runId} has no checkpoint at step ${selector}; it has steps ${checkpoints.map((c) => c.step).join(', ')}`,
    );
  }
  return found;
}

function pngOf(image: Float32Array, shape: { height: number; width: number; channels: 1 | 3 }): Uint8Array {
  return encodeGridPng(image, { count: 1, ...shape });
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function toInversionInfo(row: InversionRow): InversionInfo {
  return {
    id: row.id,
    runId: row.runId,
    checkpointStep: row.checkpointStep,
    createdAt: row.createdAt,
    latentSpace: row.latentSpace,
    latent: row.latent,
    steps: row.steps,
    psnr: row.psnr,
    ssim: row.ssim,
    elapsedMs: row.elapsedMs,
    targetPng: base64(row.targetPng),
    reconstructionPng: base64(row.reconstructionPng),
    lossCurve: row.lossCurve,
  };
}

function disposeLoaded(loaded: Loaded): void {
  loaded.encoder?.dispose();
  loaded.model.dispose();
}
