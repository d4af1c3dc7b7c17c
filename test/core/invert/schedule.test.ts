import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE, learningRate, noiseScale } from '../../../core/invert/schedule';

const opts = { lr: 0.1, ...DEFAULT_SCHEDULE };

describe('projector schedules', () => {
  it('ramps the lr up linearly over the first 5% of steps, holds it, then ramps down along a cosine', () => {
    const steps = 1000;
    expect(learningRate(0, steps, opts)).toBeCloseTo(0.1 / 50, 8);
    expect(learningRate(24, steps, opts)).toBeCloseTo(0.1 * (25 / 50), 8);
    expect(learningRate(49, steps, opts)).toBeCloseTo(0.1, 8);
    expect(learningRate(500, steps, opts)).toBeCloseTo(0.1, 8);
    // Half-way through the ramp-down (t = 0.875): 0.5 - 0.5 cos(pi / 2) = 0.5.
    expect(learningRate(875, steps, opts)).toBeCloseTo(0.05, 8);
    expect(learningRate(999, steps, opts)).toBeLessThan(1e-4);
    for (let s = 750; s < 999; s++) {
      expect(learningRate(s + 1, steps, opts)).toBeLessThan(learningRate(s, steps, opts));
    }
  });

  it('decays the latent noise quadratically from 0.05 x std to zero at 75% of the steps', () => {
    expect(noiseScale(0, 100, 2, opts)).toBeCloseTo(0.1, 10);
    expect(noiseScale(375, 1000, 2, opts)).toBeCloseTo(0.1 * 0.25, 10); // (1 - 0.5)^2
    expect(noiseScale(750, 1000, 2, opts)).toBe(0);
    expect(noiseScale(900, 1000, 2, opts)).toBe(0);
  });
});
