/**
 * Supervised edit directions (InterFaceGAN, Shen et al. 2020; ALGORITHMS.md §7): label sampled
 * latents by an attribute of the image G draws from them, fit a logistic regression on the
 * latents, and take its unit normal (pointing towards the attribute) as the direction.
 *
 * Attributes (the contract's syntax):
 * - 'factor=x' / 'factor=y' (also posX / posY): the drawn shape's horizontal / vertical centroid,
 *   measured on G's output (pixel intensity in [0, 1] as weight). 'factor=scale': its area (the
 *   summed intensity). Labels: above the median or not, so the classes are balanced.
 * - 'class=K' (an index or a class name): the dataset's stored metrics classifier
 *   (core/metrics/classifier.ts) predicts K or not.
 */

import { UserError } from '../api/errors';
import { Rng } from '../engine/rng';
import type { Classifier } from '../metrics/classifier';
import type { ComputedDirection } from './directions';
import type { GanModel } from './gan-model';
import { leadingColumns, normalize, padTo, projectedStd } from './linear-algebra';

export type Attribute = { kind: 'factor'; factor: 'x' | 'y' | 'scale' } | { kind: 'class'; label: string };

const FACTOR_ALIASES: Record<string, 'x' | 'y' | 'scale'> = {
  x: 'x',
  posx: 'x',
  'x-position': 'x',
  y: 'y',
  posy: 'y',
  'y-position': 'y',
  scale: 'scale',
  size: 'scale',
};

export function parseAttribute(text: string | undefined): Attribute {
  const m = /^(factor|class)=(.+)$/.exec(text?.trim() ?? '');
  if (!m) {
    throw new UserError(
      `supervised directions need --attribute factor=x|y|scale (shapes) or class=K (a class index or name), got '${text ?? ''}'`,
    );
  }
  if (m[1] === 'class') return { kind: 'class', label: m[2] };
  const factor = FACTOR_ALIASES[m[2].toLowerCase()];
  if (!factor) throw new UserError(`unknown factor '${m[2]}': measurable factors are x, y and scale`);
  return { kind: 'factor', factor };
}

/** Centroid x, centroid y and area of each image [n, H, W, C] in [-1, 1], as intensity moments. */
export function imageMoments(
  images: Float32Array,
  n: number,
  height: number,
  width: number,
  channels: number,
) {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const area = new Float64Array(n);
  const per = height * width * channels;
  for (let s = 0; s < n; s++) {
    let m0 = 0;
    let mx = 0;
    let my = 0;
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        let v = 0;
        for (let ch = 0; ch < channels; ch++)
          v += (images[s * per + (r * width + c) * channels + ch] + 1) / 2;
        v /= channels;
        m0 += v;
        mx += v * c;
        my += v * r;
      }
    }
    area[s] = m0;
    x[s] = m0 > 0 ? mx / m0 : (width - 1) / 2;
    y[s] = m0 > 0 ? my / m0 : (height - 1) / 2;
  }
  return { x, y, area };
}

function aboveMedian(values: Float64Array): Uint8Array {
  const sorted = Float64Array.from(values).sort();
  const median = sorted[sorted.length >> 1];
  return Uint8Array.from(values, (v) => (v > median ? 1 : 0));
}

export interface LogisticFit {
  /** Weights [dim] (not normalised) and bias. */
  weights: Float64Array;
  bias: number;
  /** Training accuracy. */
  accuracy: number;
}

/**
 * L2-regularised logistic regression by full-batch Adam on x [n, dim] (float64) and 0/1 labels.
 * Features are centred and scaled per column while fitting; the weights returned are for the
 * raw features, so their direction is the separating normal in latent space.
 */
export function fitLogistic(
  x: Float64Array,
  labels: Uint8Array,
  n: number,
  dim: number,
  opts: { iterations?: number; l2?: number; lr?: number } = {},
): LogisticFit {
  const iterations = opts.iterations ?? 400;
  const l2 = opts.l2 ?? 1e-3;
  const lr = opts.lr ?? 0.05;
  const mean = new Float64Array(dim);
  const scale = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += x[i * dim + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) scale[j] += (x[i * dim + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < dim; j++) scale[j] = Math.sqrt(scale[j]) || 1;
  const w = new Float64Array(dim + 1); // last = bias
  const m = new Float64Array(dim + 1);
  const v = new Float64Array(dim + 1);
  const g = new Float64Array(dim + 1);
  const row = new Float64Array(dim);
  for (let t = 1; t <= iterations; t++) {
    g.fill(0);
    for (let i = 0; i < n; i++) {
      let z = w[dim];
      for (let j = 0; j < dim; j++) {
        row[j] = (x[i * dim + j] - mean[j]) / scale[j];
        z += w[j] * row[j];
      }
      const err = 1 / (1 + Math.exp(-z)) - labels[i];
      for (let j = 0; j < dim; j++) g[j] += (err * row[j]) / n;
      g[dim] += err / n;
    }
    for (let j = 0; j < dim; j++) g[j] += l2 * w[j];
    for (let j = 0; j <= dim; j++) {
      m[j] = 0.9 * m[j] + 0.1 * g[j];
      v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
      w[j] -= (lr * (m[j] / (1 - 0.9 ** t))) / (Math.sqrt(v[j] / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  // Back to raw features: w_raw = w / scale, bias absorbs the centring.
  const weights = new Float64Array(dim);
  let bias = w[dim];
  for (let j = 0; j < dim; j++) {
    weights[j] = w[j] / scale[j];
    bias -= weights[j] * mean[j];
  }
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let z = bias;
    for (let j = 0; j < dim; j++) z += weights[j] * x[i * dim + j];
    if (z > 0 === (labels[i] === 1)) correct++;
  }
  return { weights, bias, accuracy: correct / n };
}

const SUPERVISED_SAMPLES = 2000;

/**
 * The direction of `attribute` for a model. `classifier` (with its class names) is needed for
 * class attributes; factor attributes are measured on the images.
 */
export function supervisedDirection(
  model: GanModel,
  attribute: Attribute,
  opts: { classifier?: Classifier; seed?: number; samples?: number } = {},
): ComputedDirection {
  const { dim, total } = model.layout;
  const n = opts.samples ?? SUPERVISED_SAMPLES;
  const latents = model.sampleLatents(n, new Rng(opts.seed ?? 1));
  const images = model.render(latents);
  const { height, width, channels } = model.shape;
  let labels: Uint8Array;
  let name: string;
  if (attribute.kind === 'factor') {
    const moments = imageMoments(images, n, height, width, channels);
    labels = aboveMedian(attribute.factor === 'scale' ? moments.area : moments[attribute.factor]);
    name = `factor-${attribute.factor}`;
  } else {
    const classifier = opts.classifier;
    if (!classifier) throw new Error('class attributes need a classifier');
    const names = classifier.info.classNames;
    const k = /^\d+$/.test(attribute.label) ? Number(attribute.label) : names.indexOf(attribute.label);
    if (!(k >= 0 && k < names.length)) {
      throw new UserError(
        `class '${attribute.label}' is not one of ${names.map((c, i) => `${i} (${c})`).join(', ')}`,
      );
    }
    const probs = classifier.probabilities(images);
    const kk = names.length;
    labels = new Uint8Array(n);
    for (let s = 0; s < n; s++) {
      let best = 0;
      for (let c = 1; c < kk; c++) if (probs[s * kk + c] > probs[s * kk + best]) best = c;
      labels[s] = best === k ? 1 : 0;
    }
    name = `class-${names[k]}`;
  }
  const positives = labels.reduce((a, b) => a + b, 0);
  if (positives < 10 || n - positives < 10) {
    throw new UserError(
      `only ${positives} of ${n} generated images have ${name}: too few of one kind to fit a direction`,
    );
  }
  const fit = fitLogistic(leadingColumns(latents, n, total, dim), labels, n, dim);
  const d = normalize(fit.weights);
  return {
    name,
    vector: padTo(d, total),
    std: projectedStd(latents, n, total, d),
    info: { attribute: name, accuracy: fit.accuracy, positives, samples: n },
  };
}
