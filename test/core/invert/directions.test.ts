import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import { directSliders, pcaDirections, sefaDirections, sefaMatrix } from '../../../core/invert/directions';
import type { GanModel } from '../../../core/invert/gan-model';
import { symmetricEigen } from '../../../core/metrics/symmetric-eigen';
import { useWasm } from '../models/helpers';
import { tinyModel } from './helpers';

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

let zModel: GanModel;
let wModel: GanModel;

beforeAll(async () => {
  await useWasm();
  zModel = tinyModel();
  wModel = tinyModel({ generator: { zDim: 8, width: 4, mappingLayers: 2 } });
});
afterAll(() => {
  zModel.dispose();
  wModel.dispose();
});

function expectOrthonormal(vectors: number[][], tolerance: number) {
  for (let i = 0; i < vectors.length; i++) {
    expect(dot(vectors[i], vectors[i])).toBeCloseTo(1, 6);
    for (let j = 0; j < i; j++) expect(Math.abs(dot(vectors[i], vectors[j]))).toBeLessThan(tolerance);
  }
}

describe('edit directions', () => {
  it('SeFa directions are the top eigenvectors of A A^T of the (folded) first layer, orthonormal', () => {
    const dirs = sefaDirections(zModel, 4);
    expect(dirs.map((d) => d.name)).toEqual(['sefa-1', 'sefa-2', 'sefa-3', 'sefa-4']);
    expectOrthonormal(
      dirs.map((d) => d.vector),
      1e-6,
    );
    const dim = zModel.layout.dim;
    const m = sefaMatrix(zModel);
    // Independently: the matrix from the generator's own weights, and its eigenvectors.
    const w = zModel.generator.firstWeight();
    const out = w.length / zModel.layout.total;
    expect(m[1 * dim + 2]).toBeCloseTo(
      Array.from({ length: out }, (_, c) => w[1 * out + c] * w[2 * out + c]).reduce((a, b) => a + b, 0),
      3,
    );
    const eig = symmetricEigen(m, dim);
    const largest = eig.values.indexOf(Math.max(...eig.values));
    const v = Array.from({ length: dim }, (_, i) => eig.vectors[i * dim + largest]);
    expect(Math.abs(dot(v, dirs[0].vector.slice(0, dim)))).toBeCloseTo(1, 6);
    // M d = lambda d for each direction.
    for (const d of dirs) {
      const md = Array.from({ length: dim }, (_, i) =>
        dot(Array.from(m.subarray(i * dim, (i + 1) * dim)), d.vector),
      );
      const lambda = d.info.eigenvalue as number;
      md.forEach((x, i) => {
        expect(x).toBeCloseTo(lambda * d.vector[i], 3);
      });
    }
    // In z, latents are N(0, I): the spread along any unit direction is about 1.
    for (const d of dirs) expect(d.std).toBeGreaterThan(0.85);
  });

  it('PCA in w gives orthonormal directions with decreasing standard deviations', () => {
    const dirs = pcaDirections(wModel, 4);
    expectOrthonormal(
      dirs.map((d) => d.vector),
      1e-6,
    );
    for (let i = 1; i < dirs.length; i++) expect(dirs[i].std).toBeLessThanOrEqual(dirs[i - 1].std);
    expect(dirs[0].info.source).toBe('w');
  });

  it('PCA without a mapping network runs on first-layer activations and gives unit z directions', () => {
    const dirs = pcaDirections(zModel, 3);
    expect(dirs[0].info.source).toBe('first-layer activations');
    const variances = dirs.map((d) => d.info.variance as number);
    expect(variances[0]).toBeGreaterThanOrEqual(variances[1]);
    for (const d of dirs) {
      expect(dot(d.vector, d.vector)).toBeCloseTo(1, 6);
      expect(d.std).toBeGreaterThan(0.8);
    }
    // Moving along the first component changes the image.
    const latent = zModel.sampleLatents(1, new Rng(2));
    const moved = latent.map((v, i) => v + 2 * dirs[0].vector[i]);
    const a = zModel.render(latent);
    const b = zModel.render(moved);
    expect(a.some((v, i) => Math.abs(v - b[i]) > 0.05)).toBe(true);
  });

  it('class labels and InfoGAN codes become unit sliders on their own coordinates', () => {
    const model = tinyModel({ conditional: true, infoCategorical: 2, infoContinuous: 1 }, 10);
    try {
      const sliders = directSliders(model);
      expect(sliders.map((s) => s.name)).toEqual([
        ...Array.from({ length: 10 }, (_, i) => `class-${i}`),
        'code-cat-0',
        'code-cat-1',
        'code-0',
      ]);
      const dim = model.layout.dim;
      expect(sliders[3].vector.indexOf(1)).toBe(dim + 3);
      expect(sliders[3].std).toBeCloseTo(1 / 3, 10);
      expect(sliders.at(-1)!.vector.indexOf(1)).toBe(dim + 12);
    } finally {
      model.dispose();
    }
  });
});
