/**
 * The studio API contract: every method the UI may call, its input schema (validated at the
 * host boundary — Electron IPC handler and browser-mode server alike) and its result type,
 * plus the events the host pushes. Shared by core, main (Electron + server), preload and the
 * renderer; the renderer imports it for types and for the method list only.
 *
 * Binary payloads (PNG, GIF) travel as base64 strings so one JSON transport serves both IPC
 * and WebSocket.
 */
import * as z from 'zod';

const runId = z.number().int().positive();
const checkpointSelector = z.union([z.literal('latest'), z.literal('best'), z.number().int().min(0)]);
const latent = z.array(z.number().finite()).min(1).max(4096);
const base64 = z.string().max(40_000_000);

/** Input schemas, one per method. Every method takes exactly one object argument. */
export const API_INPUTS = {
  // --- presets and config -------------------------------------------------------------
  /** Presets with their fully resolved default configs. */
  presets: z.strictObject({}),
  /** Every settable config key with type, default, range, unit and description. */
  configFields: z.strictObject({}),
  /** Resolves preset + `key=value` settings; returns the config or per-field errors. */
  validateConfig: z.strictObject({
    preset: z.string().min(1).max(100),
    settings: z.array(z.string().max(2000)).max(200).default([]),
  }),
  /** Preflight scan of an image folder (what training would use and skip). */
  preflightFolder: z.strictObject({ path: z.string().min(1).max(4096) }),

  // --- runs -----------------------------------------------------------------------------
  listRuns: z.strictObject({
    status: z.array(z.string().max(20)).max(10).optional(),
    model: z.string().max(100).optional(),
    dataset: z.string().max(100).optional(),
    tag: z.string().max(100).optional(),
    search: z.string().max(200).optional(),
  }),
  getRun: z.strictObject({ runId }),
  updateRun: z.strictObject({
    runId,
    name: z.string().min(1).max(200).optional(),
    tags: z.array(z.string().min(1).max(50)).max(50).optional(),
    notes: z.string().max(20_000).optional(),
  }),
  /** Refused while the run is training. */
  deleteRun: z.strictObject({ runId }),
  /** Creates a run and starts training it in a worker; returns at once. */
  startRun: z.strictObject({
    preset: z.string().min(1).max(100),
    settings: z.array(z.string().max(2000)).max(200).default([]),
    name: z.string().min(1).max(200).optional(),
  }),
  /** Checkpoints and stops the worker; status becomes 'paused'. */
  pauseRun: z.strictObject({ runId }),
  /** Continues a paused / stopped / interrupted run from its latest checkpoint. */
  resumeRun: z.strictObject({ runId, steps: z.number().int().positive().optional() }),
  /** Checkpoints and stops for good; status becomes 'stopped'. */
  stopRun: z.strictObject({ runId }),
  compareRuns: z.strictObject({ runIds: z.array(runId).min(1).max(20) }),

  // --- run data ---------------------------------------------------------------------------
  metricNames: z.strictObject({ runId }),
  /** Columnar series; pass `sinceStep` = the last step you hold to get only new points. */
  metrics: z.strictObject({
    runId,
    names: z.array(z.string().max(100)).max(100).optional(),
    sinceStep: z.number().int().min(-1).optional(),
  }),
  events: z.strictObject({ runId }),
  listSamples: z.strictObject({ runId, kind: z.string().max(50).optional() }),
  sample: z.strictObject({ runId, kind: z.string().max(50), step: z.number().int().min(0) }),
  /** All of the run's sample grids of one kind, in step order, as an animated GIF. */
  samplesGif: z.strictObject({
    runId,
    kind: z.string().max(50).default('grid'),
    frameMs: z.number().int().min(20).max(5000).default(200),
  }),
  /** 2D runs: D at diffusion step t over a grid, with real and generated points. */
  field2d: z.strictObject({
    runId,
    checkpoint: checkpointSelector.default('latest'),
    t: z.number().int().min(0).max(10_000).default(0),
    resolution: z.number().int().min(8).max(256).default(64),
    points: z.number().int().min(10).max(5000).default(1000),
  }),
  checkpoints: z.strictObject({ runId }),
  pinCheckpoint: z.strictObject({ runId, step: z.number().int().min(0), pinned: z.boolean() }),
  deleteCheckpoint: z.strictObject({ runId, step: z.number().int().min(0) }),

  // --- inversion and editing (issue 4) -------------------------------------------------
  /** Starts an inversion job off the event loop; progress arrives as 'inversion' events. */
  startInversion: z.strictObject({
    runId,
    checkpoint: checkpointSelector.default('latest'),
    /** PNG or JPEG file bytes. */
    imageBase64: base64,
    steps: z.number().int().min(1).max(10_000).default(300),
    start: z.enum(['mean', 'encoder', 'random-best']).default('mean'),
  }),
  abortInversion: z.strictObject({ jobId: z.string().min(1).max(100) }),
  listInversions: z.strictObject({ runId }),
  getInversion: z.strictObject({ inversionId: z.number().int().positive() }),
  listDirections: z.strictObject({ runId, checkpoint: checkpointSelector.default('latest') }),
  computeDirections: z.strictObject({
    runId,
    checkpoint: checkpointSelector.default('latest'),
    method: z.enum(['pca', 'sefa', 'supervised']),
    k: z.number().int().min(1).max(64).default(8),
    /** supervised only: a class ('class=3') or factor ('factor=posX') of the dataset. */
    attribute: z.string().max(100).optional(),
  }),
  /** G(latent + Σ alpha_i d_i) as a PNG. Keys of `alphas` are direction ids. */
  edit: z.strictObject({
    runId,
    checkpoint: checkpointSelector.default('latest'),
    latent,
    alphas: z.record(z.string().max(100), z.number().finite().min(-100).max(100)).default({}),
  }),
  interpolate: z.strictObject({
    runId,
    checkpoint: checkpointSelector.default('latest'),
    from: latent,
    to: latent,
    frames: z.number().int().min(2).max(32).default(8),
  }),
} as const;

export type ApiMethod = keyof typeof API_INPUTS;
export const API_METHODS = Object.keys(API_INPUTS) as ApiMethod[];
export type ApiInput<M extends ApiMethod> = z.input<(typeof API_INPUTS)[M]>;
export type ApiParsedInput<M extends ApiMethod> = z.output<(typeof API_INPUTS)[M]>;

// --- result types ----------------------------------------------------------------------

export type RunStatus =
  | 'created'
  | 'running'
  | 'paused'
  | 'completed'
  | 'stopped'
  | 'diverged'
  | 'failed'
  | 'interrupted';

export interface RunSummary {
  id: number;
  name: string;
  preset: string | null;
  model: string;
  dataset: string;
  config: Record<string, unknown>;
  status: RunStatus;
  step: number;
  totalSteps: number;
  backend: string | null;
  seed: number;
  tags: string[];
  notes: string;
  error: string | null;
  bestMetric: number | null;
  bestMetricName: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  elapsedMs: number;
  /** True for image datasets (mnist, shapes, folder); false for 2D toys. */
  isImage: boolean;
}

export interface PresetInfo {
  name: string;
  description: string;
  config: Record<string, unknown>;
}

export interface ConfigField {
  /** Dot path, as in `--set key=value`. */
  key: string;
  type: 'number' | 'integer' | 'boolean' | 'enum' | 'string';
  default: unknown;
  options?: string[];
  minimum?: number;
  maximum?: number;
  unit?: string;
  description: string;
}

export type ValidateResult =
  | { ok: true; config: Record<string, unknown> }
  | { ok: false; errors: { key: string | null; message: string }[] };

export interface PreflightResult {
  path: string;
  usable: number;
  total: number;
  bad: { file: string; reason: string }[];
  /** Why training would refuse this folder, or null if it is usable. */
  refusal: string | null;
}

export interface MetricSeries {
  name: string;
  steps: number[];
  /** `null` where the stored value was non-finite. */
  values: (number | null)[];
}

export interface EventInfo {
  id: number;
  step: number;
  time: string;
  kind: string;
  message: string;
  data: Record<string, unknown> | null;
}

export interface SampleInfo {
  step: number;
  kind: string;
  mime: string;
  sizeBytes: number;
}

export interface BinaryResult {
  mime: string;
  base64: string;
}

export interface Field2d {
  t: number;
  /** Square extent of the grid: x and y both from `min` to `max`. */
  min: number;
  max: number;
  resolution: number;
  /** D's output (sigmoid probability) row-major, y from min to max. */
  values: number[];
  real: [number, number][];
  fake: [number, number][];
  checkpointStep: number;
}

export interface CheckpointSummary {
  id: number;
  step: number;
  createdAt: string;
  pinned: boolean;
  isBest: boolean;
  metricName: string | null;
  metricValue: number | null;
  sizeBytes: number;
}

export interface CompareResult {
  runs: RunSummary[];
  /** Config keys (dot paths) whose values differ between the runs, one value per run. */
  differing: { key: string; values: unknown[] }[];
}

export interface InversionJob {
  jobId: string;
}

export interface InversionInfo {
  id: number;
  runId: number;
  checkpointStep: number;
  createdAt: string;
  latentSpace: 'z' | 'w';
  latent: number[];
  steps: number;
  psnr: number;
  ssim: number;
  elapsedMs: number;
  targetPng: string;
  reconstructionPng: string;
  lossCurve: number[];
}

export interface DirectionInfo {
  /** Stable id, used as the key in `edit`'s alphas. */
  id: string;
  name: string;
  method: 'pca' | 'sefa' | 'supervised' | 'code' | 'class';
  checkpointStep: number;
  /** Standard deviation of latents along the direction: the slider spans ±3 of it. */
  std: number;
}

/** What each method returns. */
export interface ApiResults {
  presets: PresetInfo[];
  configFields: ConfigField[];
  validateConfig: ValidateResult;
  preflightFolder: PreflightResult;
  listRuns: RunSummary[];
  getRun: RunSummary;
  updateRun: RunSummary;
  deleteRun: { deleted: true };
  startRun: RunSummary;
  pauseRun: RunSummary;
  resumeRun: RunSummary;
  stopRun: RunSummary;
  compareRuns: CompareResult;
  metricNames: string[];
  metrics: MetricSeries[];
  events: EventInfo[];
  listSamples: SampleInfo[];
  sample: BinaryResult;
  samplesGif: BinaryResult;
  field2d: Field2d;
  checkpoints: CheckpointSummary[];
  pinCheckpoint: CheckpointSummary[];
  deleteCheckpoint: CheckpointSummary[];
  startInversion: InversionJob;
  abortInversion: { aborted: boolean };
  listInversions: InversionInfo[];
  getInversion: InversionInfo;
  listDirections: DirectionInfo[];
  computeDirections: DirectionInfo[];
  edit: BinaryResult;
  interpolate: BinaryResult;
}

export type ApiResult<M extends ApiMethod> = ApiResults[M];

/** Events the host pushes to every connected renderer. */
export type StudioEvent =
  /** A run's row changed (status, step, name, tags...). Sent at most ~4 times a second per run. */
  | { type: 'run'; run: RunSummary }
  | { type: 'runDeleted'; runId: number }
  /** Inversion progress; `reconstructionPng` (base64) every few steps. */
  | {
      type: 'inversion';
      jobId: string;
      step: number;
      steps: number;
      loss: number;
      psnr: number;
      reconstructionPng?: string;
    }
  | { type: 'inversionDone'; jobId: string; inversion: InversionInfo }
  | { type: 'inversionFailed'; jobId: string; message: string };

/** Errors travel as `{ error: { message, code } }`; code 'invalid' for bad input. */
export interface ApiErrorBody {
  message: string;
  code: 'invalid' | 'not-found' | 'conflict' | 'internal';
}

/** The transport-agnostic client the renderer uses (IPC in Electron, WebSocket in a browser). */
export interface StudioClient {
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<M>>;
  subscribe(listener: (event: StudioEvent) => void): () => void;
}

/** One line naming the first bad field of an input, for error messages. */
export function describeInputError(method: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue?.path.length ? issue.path.join('.') : '(input)';
  return `${method}: ${path}: ${issue?.message ?? 'invalid input'}`;
}

/** Validates one call's input, throwing an Error with a one-line message on bad input. */
export function parseApiInput<M extends ApiMethod>(method: string, input: unknown): ApiParsedInput<M> {
  if (!Object.hasOwn(API_INPUTS, method)) throw new ApiInputError(`unknown method '${method}'`);
  const result = API_INPUTS[method as M].safeParse(input ?? {});
  if (!result.success) throw new ApiInputError(describeInputError(method, result.error));
  return result.data as ApiParsedInput<M>;
}

export class ApiInputError extends Error {
  readonly code = 'invalid';
  constructor(message: string) {
    super(message);
    this.name = 'ApiInputError';
  }
}
