/**
 * The projector's per-step schedules (StyleGAN2's projector, ALGORITHMS.md §6): the learning
 * rate ramps up linearly over the first 5% of steps and down along a half cosine over the last
 * 25%; the noise added to the latent starts at 0.05 x the latent's spread and decays
 * quadratically to zero by 75% of the steps, so early steps explore and late steps settle.
 */

export interface ScheduleOptions {
  /** Peak learning rate. */
  lr: number;
  /** Fraction of steps over which the lr ramps up. */
  rampUp: number;
  /** Fraction of steps at the end over which the lr ramps down (cosine). */
  rampDown: number;
  /** Initial noise as a fraction of the latent's spread (normStd). */
  noiseFactor: number;
  /** Fraction of steps after which the noise is zero. */
  noiseRamp: number;
}

export const DEFAULT_SCHEDULE: Omit<ScheduleOptions, 'lr'> = {
  rampUp: 0.05,
  rampDown: 0.25,
  noiseFactor: 0.05,
  noiseRamp: 0.75,
};

/** Learning rate at step `step` of `steps` (t = step / steps in [0, 1)). */
export function learningRate(step: number, steps: number, opts: ScheduleOptions): number {
  const t = step / steps;
  let ramp = opts.rampDown > 0 ? Math.min(1, (1 - t) / opts.rampDown) : 1;
  ramp = 0.5 - 0.5 * Math.cos(ramp * Math.PI);
  // The first step still moves: StyleGAN's ramp gives lr 0 at t = 0, which wastes a step.
  const up = opts.rampUp > 0 ? Math.min(1, (step + 1) / (opts.rampUp * steps)) : 1;
  return opts.lr * ramp * up;
}

/** Standard deviation of the latent noise at step `step` of `steps`, for a latent spread `normStd`. */
export function noiseScale(step: number, steps: number, normStd: number, opts: ScheduleOptions): number {
  const t = step / steps;
  const left = opts.noiseRamp > 0 ? Math.max(0, 1 - t / opts.noiseRamp) : 0;
  return normStd * opts.noiseFactor * left * left;
}
