import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import { normalize } from '../../../core/invert/linear-algebra';
import { fitLogistic, imageMoments, parseAttribute } from '../../../core/invert/supervised';

describe('supervised directions', () => {
  it('logistic regression on separable latents recovers the separating normal', () => {
    const rng = new Rng(4);
    const dim = 16;
    const n = 1500;
    const normal = normalize(Float64Array.from(rng.fillNormal(new Float32Array(dim))));
    const x = Float64Array.from(rng.fillNormal(new Float32Array(n * dim)));
    // Unequal column scales: the fit must still return the normal in raw coordinates.
    for (let i = 0; i < n; i++) x[i * dim + 3] *= 3;
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0.3;
      for (let j = 0; j < dim; j++) s += x[i * dim + j] * normal[j];
      labels[i] = s > 0 ? 1 : 0;
    }
    const fit = fitLogistic(x, labels, n, dim);
    const found = normalize(fit.weights);
    const cosine = found.reduce((s, v, j) => s + v * normal[j], 0);
    expect(cosine).toBeGreaterThan(0.97);
    expect(fit.accuracy).toBeGreaterThan(0.97);
  });

  it('measures centroids and area as intensity moments', () => {
    const img = new Float32Array(4 * 4).fill(-1);
    img[1 * 4 + 3] = 1; // row 1, column 3
    img[3 * 4 + 3] = 1; // row 3, column 3
    const m = imageMoments(img, 1, 4, 4, 1);
    expect(m.x[0]).toBeCloseTo(3, 10);
    expect(m.y[0]).toBeCloseTo(2, 10);
    expect(m.area[0]).toBeCloseTo(2, 10);
  });

  it('parses attributes and refuses unknown ones with one line', () => {
    expect(parseAttribute('factor=posX')).toEqual({ kind: 'factor', factor: 'x' });
    expect(parseAttribute('class=3')).toEqual({ kind: 'class', label: '3' });
    expect(() => parseAttribute('factor=rotation')).toThrow(/measurable factors are x, y and scale/);
    expect(() => parseAttribute(undefined)).toThrow(/--attribute/);
  });
});
