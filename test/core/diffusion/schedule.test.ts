import { describe, expect, it } from 'vitest';
import { alphaBars, betaSchedule, SCHEDULES } from '../../../core/diffusion/schedule';

describe('beta schedules', () => {
  it('linear runs from beta_start to beta_end over exactly T steps', () => {
    const betas = betaSchedule('linear', 10, 1e-4, 2e-2);
    expect(betas.length).toBe(10);
    expect(betas[0]).toBeCloseTo(1e-4, 12);
    expect(betas[9]).toBeCloseTo(2e-2, 12);
    expect(betas[5] - betas[4]).toBeCloseTo((2e-2 - 1e-4) / 9, 12);
  });

  it('is re-stretched over a new T: the last beta is beta_end whatever T is', () => {
    for (const T of [5, 50, 1000]) {
      expect(betaSchedule('linear', T, 1e-4, 2e-2)[T - 1]).toBeCloseTo(2e-2, 12);
      expect(betaSchedule('quadratic', T, 1e-4, 2e-2)[T - 1]).toBeCloseTo(2e-2, 12);
    }
  });

  it('quadratic is linear in sqrt(beta); constant is beta_end; sigmoid stays within [start, end]', () => {
    const q = betaSchedule('quadratic', 5, 1e-4, 2e-2);
    const roots = Array.from(q, Math.sqrt);
    expect(roots[2] - roots[1]).toBeCloseTo(roots[1] - roots[0], 12);
    expect(Array.from(betaSchedule('constant', 4, 1e-4, 2e-2))).toEqual([2e-2, 2e-2, 2e-2, 2e-2]);
    const s = betaSchedule('sigmoid', 100, 1e-4, 2e-2);
    expect(Math.min(...s)).toBeGreaterThan(1e-4);
    expect(Math.max(...s)).toBeLessThan(2e-2);
  });

  it('cosine follows alpha_bar(t) = cos^2(((t/T + s)/(1 + s)) pi/2) with betas clipped at 0.999', () => {
    const T = 20;
    const ab = alphaBars(betaSchedule('cosine', T, 1e-4, 2e-2));
    const f = (t: number) => Math.cos(((t / T + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (const t of [1, 5, 10, 15]) expect(ab[t]).toBeCloseTo(f(t) / f(0), 10);
    expect(betaSchedule('cosine', T, 1e-4, 2e-2)[T - 1]).toBe(0.999);
  });

  it('alpha_bar starts at 1 (t = 0 is the identity) and decreases', () => {
    for (const name of SCHEDULES) {
      const ab = alphaBars(betaSchedule(name, 50, 1e-4, 2e-2));
      expect(ab[0]).toBe(1);
      for (let t = 1; t <= 50; t++) expect(ab[t]).toBeLessThan(ab[t - 1]);
      expect(ab[1]).toBeCloseTo(1 - betaSchedule(name, 50, 1e-4, 2e-2)[0], 12);
    }
  });
});
