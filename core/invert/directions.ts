/**
 * Unsupervised edit directions (ALGORITHMS.md §7) and the direct sliders a model has:
 *
 * - PCA (GANSpace, Harkonen et al. 2020). With a mapping network: principal axes of sampled w.
 *   Without one z is isotropic, so PCA runs on G's first-layer activations instead (top
 *   components by subspace iteration, as they are thousands wide) and each component is carried
 *   back to z by regressing z on the component's coordinates, as GANSpace does.
 * - SeFa (Shen & Zhou 2021): eigenvectors of A^T A for G's first linear map A, taken with its
 *   batch norm folded in (the map G actually applies in eval mode; the raw weights' column
 *   scales are undone by the normalisation).
 * - Class labels and InfoGAN codes, when the model has them, are coordinates of the latent
 *   (gan-model.ts), so their unit vectors are ready-made sliders.
 *
 * Every direction is a unit vector over the full latent with the standard deviation of sampled
 * latents along it (the slider spans +/-3 of it).
 */

import { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { symmetricEigen } from '../metrics/symmetric-eigen';
import type { GanModel } from './gan-model';
import {
  covariance,
  fixSign,
  leadingColumns,
  normalize,
  padTo,
  projectedStd,
  topEigen,
} from './linear-algebra';

export interface ComputedDirection {
  name: string;
  vector: number[];
  std: number;
  info: Record<string, unknown>;
}

const PCA_SAMPLES = 3000;
const SUBSPACE_ITERATIONS = 12;
const OVERSAMPLE = 8;

export function pcaDirections(model: GanModel, k: number, seed = 1): ComputedDirection[] {
  const { dim, total, space } = model.layout;
  const rng = new Rng(seed);
  const n = PCA_SAMPLES;
  const latents = model.sampleLatents(n, rng);
  if (space === 'w') {
    const { cov } = covariance(leadingColumns(latents, n, total, dim), n, dim);
    const top = topEigen(cov, dim, k);
    return top.vectors.map((v, i) => ({
      name: `pca-${i + 1}`,
      vector: padTo(v, total),
      std: Math.sqrt(Math.max(0, top.values[i])),
      info: { source: 'w', variance: top.values[i] },
    }));
  }
  const comps = activationComponents(model, latents, n, Math.min(k, dim), rng);
  return comps.coords.map((c, i) => {
    // Regress z on the component's coordinate: the z step that moves along the component.
    const u = new Float64Array(dim);
    let cc = 0;
    for (let s = 0; s < n; s++) {
      cc += c[s] * c[s];
      for (let j = 0; j < dim; j++) u[j] += c[s] * latents[s * total + j];
    }
    const d = fixSign(normalize(u.map((x) => x / cc)));
    return {
      name: `pca-${i + 1}`,
      vector: padTo(d, total),
      std: projectedStd(latents, n, total, d),
      info: { source: 'first-layer activations', variance: comps.values[i] },
    };
  });
}

/** Top-k principal components of G's first-layer activations: coordinates per sample and variances. */
function activationComponents(
  model: GanModel,
  latents: Float32Array,
  n: number,
  k: number,
  rng: Rng,
): { coords: Float64Array[]; values: number[] } {
  const total = model.layout.total;
  const a = tf.tidy(() => {
    const h = model.generator.firstLayer(tf.tensor2d(latents, [n, total]));
    const flat = tf.reshape(h, [n, -1]);
    return tf.sub(flat, tf.mean(flat, 0)) as tf.Tensor2D; // centred [n, D]
  });
  try {
    const width = a.shape[1];
    const k2 = Math.min(k + OVERSAMPLE, width, n);
    let q = orthonormalColumns(rng.fillNormal(new Float32Array(width * k2)), width, k2);
    for (let it = 0; it < SUBSPACE_ITERATIONS; it++) {
      const y = tf.tidy(() => {
        const qt = tf.tensor2d(q, [width, k2]);
        return tf.matMul(a, tf.matMul(a, qt), true, false); // A^T (A Q) [D, k2]
      });
      q = orthonormalColumns(y.dataSync() as Float32Array, width, k2);
      y.dispose();
    }
    const bT = tf.tidy(() => tf.matMul(a, tf.tensor2d(q, [width, k2])));
    const b = bT.dataSync() as Float32Array; // [n, k2]: the samples in the subspace
    bT.dispose();
    // Exact PCA within the subspace.
    const gram = new Float64Array(k2 * k2);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < k2; i++)
        for (let j = 0; j < k2; j++) gram[i * k2 + j] += b[s * k2 + i] * b[s * k2 + j];
    }
    const eig = symmetricEigen(gram, k2);
    const order = Array.from(eig.values.keys())
      .sort((x, y) => eig.values[y] - eig.values[x])
      .slice(0, k);
    return {
      values: order.map((j) => eig.values[j] / Math.max(1, n - 1)),
      coords: order.map((j) => {
        const c = new Float64Array(n);
        for (let s = 0; s < n; s++)
          for (let i = 0; i < k2; i++) c[s] += b[s * k2 + i] * eig.vectors[i * k2 + j];
        return c;
      }),
    };
  } finally {
    a.dispose();
  }
}

/** Gram-Schmidt (twice, for stability) on the columns of m [rows, cols]. */
function orthonormalColumns(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = Float64Array.from(m);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < cols; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += out[r * cols + j] * out[r * cols + p];
        for (let r = 0; r < rows; r++) out[r * cols + j] -= dot * out[r * cols + p];
      }
      let norm = 0;
      for (let r = 0; r < rows; r++) norm += out[r * cols + j] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let r = 0; r < rows; r++) out[r * cols + j] /= norm;
    }
  }
  return Float32Array.from(out);
}

/** The matrix SeFa decomposes: A A^T over the z / w rows of the folded first layer. [dim, dim] */
export function sefaMatrix(model: GanModel): Float64Array {
  const { dim } = model.layout;
  const w = model.generator.firstWeight(); // [total, out]
  const out = w.length / model.layout.total;
  const m = new Float64Array(dim * dim);
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      let s = 0;
      for (let c = 0; c < out; c++) s += w[a * out + c] * w[b * out + c];
      m[a * dim + b] = s;
      m[b * dim + a] = s;
    }
  }
  return m;
}

export function sefaDirections(model: GanModel, k: number, seed = 1): ComputedDirection[] {
  const { dim, total } = model.layout;
  const top = topEigen(sefaMatrix(model), dim, k);
  const n = 2000;
  const latents = model.sampleLatents(n, new Rng(seed));
  return top.vectors.map((v, i) => ({
    name: `sefa-${i + 1}`,
    vector: padTo(v, total),
    std: projectedStd(latents, n, total, v),
    info: { eigenvalue: top.values[i] },
  }));
}

export interface DirectSlider {
  /** Also its id: direct sliders are not stored. */
  name: string;
  method: 'class' | 'code';
  vector: number[];
  std: number;
}

/**
 * One slider per class (towards that class's one-hot) and per InfoGAN code. One-hot sliders get
 * std 1/3 so the slider's +/-3 std is one whole class; continuous codes are U(-1, 1): std 1/sqrt 3.
 */
export function directSliders(model: GanModel, classNames?: string[]): DirectSlider[] {
  const { dim, numClasses, infoCategorical, infoContinuous, total } = model.layout;
  const unit = (i: number) => {
    const v = new Array<number>(total).fill(0);
    v[i] = 1;
    return v;
  };
  const out: DirectSlider[] = [];
  for (let c = 0; c < numClasses; c++) {
    out.push({ name: `class-${classNames?.[c] ?? c}`, method: 'class', vector: unit(dim + c), std: 1 / 3 });
  }
  for (let c = 0; c < infoCategorical; c++) {
    out.push({ name: `code-cat-${c}`, method: 'code', vector: unit(dim + numClasses + c), std: 1 / 3 });
  }
  for (let c = 0; c < infoContinuous; c++) {
    out.push({
      name: `code-${c}`,
      method: 'code',
      vector: unit(dim + numClasses + infoCategorical + c),
      std: 1 / Math.sqrt(3),
    });
  }
  return out;
}
