/**
 * The contract's inversion methods bound to InvertService and a host's job runner: inversions
 * run off the request thread (a worker; progress arrives as events), while slider edits,
 * interpolation strips and listings run inline on a cached generator (one G forward each).
 * A startInversion request is checked here first (run, image run, checkpoint, decodable image)
 * so a bad one fails at once with its code instead of as a later event.
 */
import { sampleShapeOf } from '../data/sources';
import { prepareTarget } from '../invert/target';
import type { ImageShape } from '../models/image-shape';
import type { RunStore } from '../store';
import { isImageDataset, parseConfig } from '../train/config';
import { invalid, notFound } from './api-error';
import type { ApiParsedInput, BinaryResult } from './contract';
import { UserError } from './errors';
import type { InvertService } from './invert-service';
import type { InversionHandlers } from './studio-api';

export interface InversionRunner {
  /** Starts the job off the request thread; returns its id. */
  start(input: ApiParsedInput<'startInversion'>): string;
  /** False if no such job is running. */
  abort(jobId: string): boolean;
}

export function inversionHandlers(
  store: RunStore,
  service: InvertService,
  runner: InversionRunner,
): InversionHandlers {
  return {
    startInversion: (input) => {
      checkInversionRequest(store, input);
      return { jobId: runner.start(input) };
    },
    abortInversion: ({ jobId }) => ({ aborted: runner.abort(jobId) }),
    listInversions: (input) => service.listInversions(input),
    getInversion: (input) => service.getInversion(input),
    listDirections: (input) => service.listDirections(input),
    computeDirections: (input) => service.computeDirections(input),
    edit: async (input) => png(await service.edit(input)),
    interpolate: async (input) => png(await service.interpolate(input)),
  };
}

function png(bytes: Uint8Array): BinaryResult {
  return {
    mime: 'image/png',
    base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  };
}

/** What the worker would refuse, refused before it starts. */
export function checkInversionRequest(store: RunStore, input: ApiParsedInput<'startInversion'>): void {
  const { runId, checkpoint } = input;
  const run = store.getRun(runId);
  if (!run) throw notFound(`run ${runId} does not exist`);
  if (!isImageDataset(run.dataset)) {
    throw invalid(
      `run ${runId} is a 2D run (${run.dataset}); inversion needs an image run (mnist, shapes, folder)`,
    );
  }
  const steps = store.listCheckpoints(runId).map((c) => c.step);
  if (steps.length === 0) throw notFound(`run ${runId} has no checkpoint yet; train it further first`);
  if (typeof checkpoint === 'number' && !steps.includes(checkpoint)) {
    throw notFound(`run ${runId} has no checkpoint at step ${checkpoint}; it has steps ${steps.join(', ')}`);
  }
  const [height, width, channels] = sampleShapeOf(parseConfig(run.config));
  const bytes = Buffer.from(input.imageBase64, 'base64');
  if (bytes.length === 0) throw invalid('the image is empty (no bytes)');
  try {
    prepareTarget(bytes, { height, width, channels } as ImageShape);
  } catch (err) {
    if (err instanceof UserError || (err as Error).name === 'ImageError')
      throw invalid((err as Error).message);
    throw err;
  }
}
