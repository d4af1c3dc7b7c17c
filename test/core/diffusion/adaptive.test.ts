import { describe, expect, it } from 'vitest';
import { AdaptiveDiffusion, type AdaptiveSettings } from '../../../core/diffusion/adaptive';
import { alphaBars, betaSchedule } from '../../../core/diffusion/schedule';
import { Rng } from '../../../core/engine/rng';

const settings: AdaptiveSettings = {
  schedule: 'linear',
  betaStart: 1e-4,
  betaEnd: 2e-2,
  tMin: 5,
  tMax: 1000,
  tSampling: 'priority',
  poolSize: 64,
  dTarget: 0.6,
  adaKimg: 100,
  adaInterval: 4,
  batch: 64,
};
// C = batch * ada_interval / (ada_kimg * 1000)
const C = (64 * 4) / 100_000;

function feed(ada: AdaptiveDiffusion, rng: Rng, rd: number): void {
  for (let i = 0; i < settings.adaInterval; i++) ada.observe(rd);
  expect(ada.due).toBe(true);
  ada.adjust(rng);
}

describe('adaptive T controller', () => {
  it('starts at p = 0, T = T_min', () => {
    const ada = new AdaptiveDiffusion(settings, new Rng(1));
    expect(ada.p).toBe(0);
    expect(ada.T).toBe(5);
    expect(ada.adjustment).toBeCloseTo(C, 15);
  });

  it('raises p by exactly C when r_d is above d_target, and T follows p', () => {
    const rng = new Rng(1);
    const ada = new AdaptiveDiffusion(settings, rng);
    for (let k = 1; k <= 100; k++) {
      feed(ada, rng, 0.8);
      expect(ada.p).toBeCloseTo(k * C, 12);
      expect(ada.T).toBe(Math.min(1000, Math.max(5, 5 + Math.round(k * C * 995))));
    }
    expect(ada.lastRd).toBeCloseTo(0.8, 12);
  });

  it('lowers p when r_d is below the target, is clamped to [0, 1], and holds when equal', () => {
    const rng = new Rng(1);
    const ada = new AdaptiveDiffusion(settings, rng);
    feed(ada, rng, 0.1);
    expect(ada.p).toBe(0); // clamped at 0
    for (let i = 0; i < 500; i++) feed(ada, rng, 1);
    expect(ada.p).toBe(1); // clamped at 1
    expect(ada.T).toBe(1000);
    feed(ada, rng, 0.2);
    expect(ada.p).toBeCloseTo(1 - C, 12);
    const before = ada.p;
    feed(ada, rng, 0.6);
    expect(ada.p).toBe(before);
  });

  it('averages r_d over the interval before comparing with the target', () => {
    const rng = new Rng(1);
    const ada = new AdaptiveDiffusion(settings, rng);
    // mean of (1, 1, 1, -1) = 0.5 < 0.6 although most minibatches were above the target
    for (const s of [1, 1, 1, -1]) ada.observe(s);
    ada.adjust(rng);
    expect(ada.lastRd).toBe(0.5);
    expect(ada.p).toBe(0);
  });

  it('recomputes the schedule and redraws the pool over the new T at every adjustment', () => {
    const rng = new Rng(1);
    const ada = new AdaptiveDiffusion(settings, rng);
    for (let i = 0; i < 60; i++) feed(ada, rng, 1);
    const T = ada.T;
    expect(T).toBeGreaterThan(100);
    expect(ada.alphaBar.length).toBe(T + 1);
    expect(Array.from(ada.alphaBar)).toEqual(Array.from(alphaBars(betaSchedule('linear', T, 1e-4, 2e-2))));
    expect(Math.max(...ada.pool)).toBeLessThanOrEqual(T);
    expect(Math.max(...ada.pool)).toBeGreaterThan(5);
  });

  it('a restored state has its p, T, pool, accumulator and a schedule recomputed at once', () => {
    const rng = new Rng(1);
    const ada = new AdaptiveDiffusion(settings, rng);
    for (let i = 0; i < 40; i++) feed(ada, rng, 1);
    ada.observe(0.3);
    const state = ada.getState();
    const fresh = new AdaptiveDiffusion(settings, new Rng(99));
    expect(fresh.T).toBe(5);
    fresh.setState(JSON.parse(JSON.stringify(state)));
    expect(fresh.T).toBe(ada.T);
    expect(fresh.p).toBe(ada.p);
    expect(Array.from(fresh.pool)).toEqual(Array.from(ada.pool));
    expect(Array.from(fresh.alphaBar)).toEqual(Array.from(ada.alphaBar));
    expect(fresh.rdSum).toBe(0.3);
    expect(fresh.rdCount).toBe(1);
  });
});
