import { describe, expect, it } from 'vitest';
import { buildChartData } from '../../../renderer/src/lib/chart-data';
import { Series } from '../../../renderer/src/lib/series';

describe('buildChartData', () => {
  it('joins lines on the union of their steps with null gaps', () => {
    const a = new Series();
    a.append([1, 2, 3], [10, 20, null]);
    const b = new Series();
    b.append([2, 4], [5, 6]);
    const d = buildChartData(
      [
        { label: 'a', series: a, color: 'red' },
        { label: 'b', series: b, color: 'blue' },
      ],
      null,
      500,
    );
    expect(d.xs).toEqual([1, 2, 3, 4]);
    expect(d.ys).toEqual([
      [10, 20, null, null],
      [null, 5, null, 6],
    ]);
  });

  it('hands the chart at most about two points per pixel for a 100k-point series', () => {
    const s = new Series();
    const steps = Array.from({ length: 100_000 }, (_, i) => i + 1);
    s.append(
      steps,
      steps.map((x) => Math.sin(x)),
    );
    const d = buildChartData([{ label: 'x', series: s, color: 'red', smooth: 0.9 }], null, 600);
    expect(d.xs.length).toBeLessThanOrEqual(1204);
    expect(d.xs[0]).toBe(1);
    expect(d.xs[d.xs.length - 1]).toBe(100_000);
  });

  it('is empty for empty series', () => {
    const d = buildChartData([{ label: 'x', series: new Series(), color: 'red' }], null, 600);
    expect(d).toEqual({ xs: [], ys: [[]] });
  });
});
