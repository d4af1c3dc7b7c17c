/**
 * The real data a run trains on, whatever its kind: 2D points or images. A source writes
 * minibatches into host buffers (the trainer uploads them) and keeps a resumable cursor.
 */
import type { Rng } from '../engine/rng';
import type { TrainConfig } from '../train/config';
import { isImageDataset } from '../train/config';
import { EpochSampler } from './epoch-sampler';
import { DataError } from './errors';
import { loadFolder } from './images/folder';
import { loadMnist } from './images/mnist';
import { makeShapes } from './images/shapes';
import type { ImageSet } from './images/types';
import { pointSource } from './points2d';
import type { Modes2D } from './toy2d';

export interface SampleSource {
  name: string;
  /** One sample's shape: [2] for points, [H, W, C] for images. */
  sampleShape: number[];
  /** Classes of the labelled datasets (0 when unlabelled). */
  numClasses: number;
  classNames?: string[];
  /** Mixtures of Gaussians only: what the mode metrics measure against. */
  modes?: Modes2D;
  /** 2D only: half-width of a square holding practically all the data. */
  extent?: number;
  /** Files a folder dataset could not use, with the reason. */
  skipped?: { file: string; reason: string }[];
  /** Writes the next n samples into out [n, ...sampleShape] and, if given, their labels. */
  next(rng: Rng, n: number, out: Float32Array, labels?: Int32Array): void;
  getCursor(): unknown;
  setCursor(cursor: unknown): void;
}

/** The sample shape a config implies, without loading any data. */
export function sampleShapeOf(config: TrainConfig): number[] {
  if (!isImageDataset(config.dataset.name)) return [2];
  const { size, channels } = config.dataset;
  return [size, size, config.dataset.name === 'folder' ? channels : 1];
}

/** Minibatches from an in-memory image set, in shuffled epochs. */
export function imageSource(set: ImageSet): SampleSource {
  const featureSize = set.height * set.width * set.channels;
  const sampler = new EpochSampler(set.count, set.name);
  return {
    name: set.name,
    sampleShape: [set.height, set.width, set.channels],
    numClasses: set.classNames?.length ?? 0,
    classNames: set.classNames,
    skipped: set.skipped,
    next(rng, n, out, labels) {
      for (let i = 0; i < n; i++) {
        const j = sampler.next(rng);
        out.set(set.images.subarray(j * featureSize, (j + 1) * featureSize), i * featureSize);
        if (labels) labels[i] = set.labels ? set.labels[j] : 0;
      }
    },
    getCursor: () => sampler.getCursor(),
    setCursor: (c) => sampler.setCursor(c),
  };
}

/** The training images of an image config (MNIST: the fixed 8,000-image train split). */
export async function loadImageSet(config: TrainConfig): Promise<ImageSet> {
  const { name, size, channels, path, count } = config.dataset;
  if (name === 'mnist') return loadMnist({ split: 'train', size: size as 28 | 32 });
  if (name === 'shapes') return makeShapes({ size: size as 32 | 64, count, seed: config.seed });
  try {
    return await loadFolder(path ?? '', { size, channels });
  } catch (err) {
    // The loader's own messages are already one line naming the folder and the count.
    if ((err as Error).name === 'ImageError') throw err;
    throw new DataError((err as Error).message);
  }
}

/** The source of a 2D config (synchronous: nothing to decode). */
export function pointsSampleSource(config: TrainConfig): SampleSource {
  return { ...pointSource(config.dataset), sampleShape: [2], numClasses: 0 };
}

/** The source a config names (image sets are loaded first, as they may take a while). */
export async function sampleSource(config: TrainConfig): Promise<SampleSource> {
  if (isImageDataset(config.dataset.name)) return imageSource(await loadImageSet(config));
  return pointsSampleSource(config);
}
