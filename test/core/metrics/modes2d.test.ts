import { describe, expect, it } from 'vitest';
import { grid25, ring8 } from '../../../core/data/toy2d';
import { Rng } from '../../../core/engine/rng';
import { energyDistance, modeMetrics } from '../../../core/metrics/modes2d';

describe('2D mode metrics', () => {
  it('real samples of the grid cover all 25 modes, almost all high quality, reverse KL near 0', () => {
    const source = grid25();
    const x = new Float32Array(2500 * 2);
    source.next(new Rng(1), 2500, x);
    const m = modeMetrics(x, source.modes!);
    expect(m.modes).toBe(25);
    // within 3 std of a 2D Gaussian: P(r <= 3 sigma) = 1 - exp(-4.5) = 0.9889
    expect(Math.abs(m.hqFraction - (1 - Math.exp(-4.5)))).toBeLessThan(0.005);
    expect(m.reverseKl!).toBeLessThan(0.02);
  });

  it('samples all on one mode: 1 mode, reverse KL = log K', () => {
    const source = ring8();
    const x = new Float32Array(100 * 2).fill(0);
    for (let i = 0; i < 100; i++) x[2 * i] = 2;
    const m = modeMetrics(x, source.modes!);
    expect(m).toEqual({ modes: 1, hqFraction: 1, reverseKl: expect.closeTo(Math.log(8), 10) });
  });

  it('a sample farther than 3 std from every mode is not high quality and covers nothing', () => {
    const m = modeMetrics(Float32Array.from([1, 1, 0, 0.16]), grid25().modes!);
    expect(m).toEqual({ modes: 0, hqFraction: 0, reverseKl: null });
    expect(modeMetrics(Float32Array.from([0, 0.149]), grid25().modes!).modes).toBe(1);
  });

  it('energy distance is near 0 for two samples of one distribution and large for a collapsed one', () => {
    const source = grid25();
    const a = new Float32Array(800 * 2);
    const b = new Float32Array(800 * 2);
    source.next(new Rng(1), 800, a);
    source.next(new Rng(2), 800, b);
    const collapsed = new Float32Array(800 * 2);
    expect(Math.abs(energyDistance(a, b))).toBeLessThan(0.05);
    expect(energyDistance(collapsed, b)).toBeGreaterThan(1);
  });
});
