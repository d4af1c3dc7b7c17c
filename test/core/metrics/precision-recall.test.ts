import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import { buildManifold, manifoldFraction, precisionRecall } from '../../../core/metrics/precision-recall';

/** Brute-force improved precision (fraction of `q` inside the k-NN balls of `p`). */
function naiveFraction(p: Float32Array, q: Float32Array, d: number, k: number): number {
  const np = p.length / d;
  const nq = q.length / d;
  const dist = (a: Float32Array, i: number, b: Float32Array, j: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += (a[i * d + t] - b[j * d + t]) ** 2;
    return s;
  };
  const radii = Array.from({ length: np }, (_, i) => {
    const ds = [];
    for (let j = 0; j < np; j++) if (j !== i) ds.push(dist(p, i, p, j));
    return ds.sort((x, y) => x - y)[k - 1];
  });
  let inside = 0;
  for (let i = 0; i < nq; i++) {
    for (let j = 0; j < np; j++) {
      if (dist(q, i, p, j) <= radii[j]) {
        inside++;
        break;
      }
    }
  }
  return inside / nq;
}

describe('improved precision / recall', () => {
  it('matches a brute-force implementation (sizes not multiples of the tile)', () => {
    const d = 5;
    const rng = new Rng(1);
    const real = rng.fillNormal(new Float32Array(301 * d));
    const fake = rng.fillNormal(new Float32Array(263 * d), 0.5, 0.8);
    const pr = precisionRecall(real, fake, d);
    expect(pr.precision).toBeCloseTo(naiveFraction(real, fake, d, 3), 12);
    expect(pr.recall).toBeCloseTo(naiveFraction(fake, real, d, 3), 12);
    expect(pr).toMatchObject({ k: 3, realCount: 301, fakeCount: 263 });
  });

  it('two samples of one distribution: both high; a disjoint set: both 0', () => {
    const d = 16;
    const rng = new Rng(2);
    const a = rng.fillNormal(new Float32Array(1000 * d));
    const b = rng.fillNormal(new Float32Array(1000 * d));
    const far = rng.fillNormal(new Float32Array(1000 * d), 50, 1);
    const same = precisionRecall(a, b, d);
    expect(same.precision).toBeGreaterThan(0.6);
    expect(same.recall).toBeGreaterThan(0.6);
    expect(precisionRecall(a, far, d)).toMatchObject({ precision: 0, recall: 0 });
    expect(precisionRecall(a, a, d)).toMatchObject({ precision: 1, recall: 1 });
  });

  it('collapsed samples (one point repeated) are precise but have recall ≈ 0', () => {
    const d = 8;
    const rng = new Rng(3);
    const real = rng.fillNormal(new Float32Array(500 * d));
    const fake = new Float32Array(500 * d);
    for (let i = 0; i < 500; i++) fake.set(real.subarray(7 * d, 8 * d), i * d);
    const pr = precisionRecall(real, fake, d);
    expect(pr.precision).toBe(1);
    expect(pr.recall).toBeLessThanOrEqual(1 / 500);
  });

  it('subsamples to maxPoints and keeps the k-th neighbour radii', () => {
    const d = 3;
    const x = new Rng(4).fillNormal(new Float32Array(400 * d));
    const m = buildManifold(x, d, { maxPoints: 100, k: 1 });
    expect(m.count).toBe(100);
    for (let i = 1; i < m.count; i++) expect(m.radiiSq[i]).toBeLessThanOrEqual(m.radiiSq[i - 1]);
    // With k = 1 every point's ball reaches its nearest neighbour, so the set covers itself.
    expect(manifoldFraction(m.points, m)).toBe(1);
    expect(() => buildManifold(x.subarray(0, 3 * d), d)).toThrow(/more than 3/);
  });
});
