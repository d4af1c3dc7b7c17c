import { describe, expect, it } from 'vitest';
import { downsampleMinMax, Series } from '../../../renderer/src/lib/series';

describe('Series', () => {
  it('appends only steps beyond the last one held, growing its typed arrays', () => {
    const s = new Series();
    expect(s.append([1, 2, 3], [10, 20, null])).toBe(3);
    expect(s.append([2, 3, 4], [0, 0, 40])).toBe(1);
    expect(s.length).toBe(4);
    expect(Array.from(s.steps.subarray(0, 4))).toEqual([1, 2, 3, 4]);
    expect(Number.isNaN(s.values[2])).toBe(true);
    const steps = Array.from({ length: 1000 }, (_, i) => i + 5);
    s.append(steps, steps);
    expect(s.length).toBe(1004);
    expect(s.steps.length).toBeGreaterThanOrEqual(1004);
    expect(s.lastStep).toBe(1004);
  });
});

describe('downsampleMinMax', () => {
  const make = (n: number, f: (i: number) => number) => {
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = i;
      ys[i] = f(i);
    }
    return { xs, ys };
  };

  it('returns few points unchanged', () => {
    const { xs, ys } = make(10, (i) => i * 2);
    const d = downsampleMinMax(xs, ys, 10, 0, 9, 100);
    expect(Array.from(d.xs)).toEqual(Array.from(xs));
    expect(Array.from(d.ys)).toEqual(Array.from(ys));
  });

  it('reduces 100k points to at most two per bucket and keeps every spike', () => {
    const n = 100_000;
    const { xs, ys } = make(n, (i) => (i === 54_321 ? 1000 : i === 77_777 ? -500 : Math.sin(i / 100)));
    const d = downsampleMinMax(xs, ys, n, 0, n - 1, 800);
    expect(d.xs.length).toBeLessThanOrEqual(1604);
    expect(Math.max(...d.ys)).toBe(1000);
    expect(Math.min(...d.ys)).toBe(-500);
    expect(d.xs).toContain(54_321);
    for (let i = 1; i < d.xs.length; i++) expect(d.xs[i]).toBeGreaterThan(d.xs[i - 1]);
    expect(d.xs[0]).toBe(0);
    expect(d.xs[d.xs.length - 1]).toBe(n - 1);
  });

  it('restricts to the visible range plus one neighbour each side', () => {
    const { xs, ys } = make(100_000, (i) => i % 7);
    const d = downsampleMinMax(xs, ys, 100_000, 50_000, 60_000, 100);
    expect(d.xs[0]).toBe(49_999);
    expect(d.xs[d.xs.length - 1]).toBe(60_001);
    expect(d.xs.length).toBeLessThanOrEqual(204);
  });

  it('keeps a gap where a bucket holds only NaN', () => {
    const { xs, ys } = make(10_000, (i) => (i >= 5000 && i < 6000 ? Number.NaN : 1));
    const d = downsampleMinMax(xs, ys, 10_000, 0, 9999, 20);
    expect(Array.from(d.ys).some((y) => Number.isNaN(y))).toBe(true);
  });

  it('honours only the first n entries of over-allocated arrays', () => {
    const s = new Series();
    s.append([1, 2, 3], [1, 2, 3]);
    const d = downsampleMinMax(s.steps, s.values, s.length, 1, 3, 100);
    expect(Array.from(d.xs)).toEqual([1, 2, 3]);
  });
});
