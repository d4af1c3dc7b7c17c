import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import { kernelInceptionDistance } from '../../../core/metrics/kid';

/** Unbiased MMD² with k(x, y) = (x·y/d + 1)³, written out directly. */
function naiveMmd(x: Float32Array, y: Float32Array, d: number): number {
  const m = x.length / d;
  const k = (a: Float32Array, i: number, b: Float32Array, j: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += a[i * d + t] * b[j * d + t];
    return (s / d + 1) ** 3;
  };
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      if (i !== j) {
        xx += k(x, i, x, j);
        yy += k(y, i, y, j);
      }
      xy += k(x, i, y, j);
    }
  return xx / (m * (m - 1)) + yy / (m * (m - 1)) - (2 * xy) / (m * m);
}

describe('KID', () => {
  it('equals the unbiased MMD² formula when the subset is the whole set', () => {
    const d = 7;
    const rng = new Rng(1);
    const x = rng.fillNormal(new Float32Array(301 * d));
    const y = rng.fillNormal(new Float32Array(301 * d), 0.3, 1.2);
    const r = kernelInceptionDistance(x, y, d, { subsets: 1, subsetSize: 301 });
    expect(r.subsetSize).toBe(301);
    expect(r.kid).toBeCloseTo(naiveMmd(x, y, d), 10);
  });

  it('is ≈ 0 for two samples of one distribution and clearly positive for different ones', () => {
    const d = 64;
    const rng = new Rng(2);
    const a = rng.fillNormal(new Float32Array(2000 * d));
    const b = rng.fillNormal(new Float32Array(2000 * d));
    const c = rng.fillNormal(new Float32Array(2000 * d), 0.2, 1);
    const same = kernelInceptionDistance(a, b, d);
    const diff = kernelInceptionDistance(a, c, d);
    expect(Math.abs(same.kid)).toBeLessThan(3 * same.std + 1e-3);
    expect(diff.kid).toBeGreaterThan(10 * Math.abs(same.kid));
    expect(diff.kid).toBeGreaterThan(5 * diff.std);
    expect(same.subsets).toBe(10);
    expect(same.subsetSize).toBe(1000);
  });

  it('is reproducible for a seed', () => {
    const rng = new Rng(3);
    const a = rng.fillNormal(new Float32Array(500 * 8));
    const b = rng.fillNormal(new Float32Array(300 * 8));
    const r1 = kernelInceptionDistance(a, b, 8, { seed: 4, subsetSize: 200 });
    expect(kernelInceptionDistance(a, b, 8, { seed: 4, subsetSize: 200 })).toEqual(r1);
    expect(kernelInceptionDistance(a, b, 8, { seed: 5, subsetSize: 200 }).kid).not.toBe(r1.kid);
  });

  it('refuses sets too small for the unbiased estimate', () => {
    expect(() => kernelInceptionDistance(new Float32Array(4), new Float32Array(8), 4)).toThrow(/at least 2/);
  });
});
