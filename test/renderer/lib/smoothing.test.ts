import { describe, expect, it } from 'vitest';
import { emaSmooth, IncrementalEma } from '../../../renderer/src/lib/smoothing';

describe('emaSmooth', () => {
  it('is the identity at weight 0', () => {
    const v = new Float64Array([3, 1, 4, 1, 5]);
    expect(Array.from(emaSmooth(v, 0))).toEqual([3, 1, 4, 1, 5]);
  });

  it('is debiased: a constant series stays constant from the first point', () => {
    const v = new Float64Array(50).fill(2.5);
    for (const x of emaSmooth(v, 0.9)) expect(x).toBeCloseTo(2.5, 12);
  });

  it('follows the TensorBoard recurrence', () => {
    const v = new Float64Array([1, 2, 3]);
    const w = 0.5;
    // avg1 = 0.5, avg2 = 0.5*0.5 + 0.5*2 = 1.25, avg3 = 0.625 + 1.5 = 2.125
    const out = emaSmooth(v, w);
    expect(out[0]).toBeCloseTo(0.5 / 0.5);
    expect(out[1]).toBeCloseTo(1.25 / 0.75);
    expect(out[2]).toBeCloseTo(2.125 / 0.875);
  });

  it('smooths noise: variance drops', () => {
    const v = new Float64Array(1000);
    for (let i = 0; i < v.length; i++) v[i] = i % 2 === 0 ? 1 : -1;
    const out = emaSmooth(v, 0.95);
    const tail = Array.from(out.subarray(500));
    expect(Math.max(...tail.map(Math.abs))).toBeLessThan(0.1);
  });

  it('leaves NaN in place without disturbing the average, and honours n', () => {
    const v = new Float64Array([1, Number.NaN, 1, 99]);
    const out = emaSmooth(v, 0.8, 3);
    expect(out.length).toBe(3);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(out[2]).toBeCloseTo(1, 12);
  });
});

describe('IncrementalEma', () => {
  it('gives the same values appended piecewise as smoothed at once, and starts over on a new weight or a shrink', () => {
    const all = new Float64Array(1000);
    for (let i = 0; i < all.length; i++) all[i] = Math.sin(i / 10) + (i % 7) / 7;
    all[500] = Number.NaN;
    const ema = new IncrementalEma();
    for (const n of [1, 10, 11, 400, 999, 1000]) {
      const out = ema.update(all, n, 0.9);
      expect(Array.from(out.subarray(0, n))).toEqual(Array.from(emaSmooth(all, 0.9, n)));
    }
    expect(Array.from(ema.update(all, 1000, 0.5).subarray(0, 1000))).toEqual(Array.from(emaSmooth(all, 0.5)));
    const other = new Float64Array([5, 5, 5]);
    expect(Array.from(ema.update(other, 3, 0.5).subarray(0, 3))).toEqual([5, 5, 5]);
  });
});
