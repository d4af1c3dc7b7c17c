/**
 * The adaptive diffusion length T of Diffusion-GAN (ALGORITHMS.md §1). p in [0, 1] rises when
 * D calls too many diffused real inputs real (r_d above d_target: D overfits, so diffuse more)
 * and falls otherwise; T follows p between T_min and T_max. The whole state is plain numbers so
 * a checkpoint restores it exactly, schedule and pool included.
 */
import type { Rng } from '../engine/rng';
import { alphaBars, betaSchedule, type ScheduleName } from './schedule';
import { drawPool, type TSampling } from './t-pool';

export interface AdaptiveSettings {
  schedule: ScheduleName;
  betaStart: number;
  betaEnd: number;
  tMin: number;
  tMax: number;
  tSampling: TSampling;
  poolSize: number;
  dTarget: number;
  adaKimg: number; // p can move from 0 to 1 in this many thousand real images
  adaInterval: number; // minibatches between adjustments
  batch: number;
}

/** What a checkpoint keeps of the controller. */
export interface AdaptiveState {
  p: number;
  T: number;
  pool: number[];
  /** Sum over minibatches since the last adjustment of mean(sign(D logit on diffused real)). */
  rdSum: number;
  /** Minibatches accumulated in rdSum. */
  rdCount: number;
  /** r_d at the last adjustment (for logging), or null before the first one. */
  lastRd: number | null;
}

export class AdaptiveDiffusion {
  p = 0;
  T: number;
  pool: Int32Array;
  alphaBar: Float64Array;
  rdSum = 0;
  rdCount = 0;
  lastRd: number | null = null;

  constructor(
    readonly settings: AdaptiveSettings,
    rng: Rng,
  ) {
    this.T = this.tFromP();
    this.alphaBar = this.computeAlphaBar();
    this.pool = drawPool(rng, this.T, settings.poolSize, settings.tSampling);
  }

  /** Step size of p per adjustment: batch * interval / (ada_kimg * 1000). */
  get adjustment(): number {
    const s = this.settings;
    return (s.batch * s.adaInterval) / (s.adaKimg * 1000);
  }

  tFromP(p = this.p): number {
    const { tMin, tMax } = this.settings;
    return Math.min(tMax, Math.max(tMin, tMin + Math.round(p * (tMax - tMin))));
  }

  /** Records the summed per-minibatch mean sign of D's logits on diffused real inputs. */
  observe(sumOfMeanSigns: number, minibatches = 1): void {
    this.rdSum += sumOfMeanSigns;
    this.rdCount += minibatches;
  }

  /** True when ada_interval minibatches have been observed since the last adjustment. */
  get due(): boolean {
    return this.rdCount >= this.settings.adaInterval;
  }

  /**
   * One controller update from the accumulated signs: p <- clip(p + sign(r_d - target) * C),
   * then T, the schedule and the pool are recomputed. Returns r_d.
   */
  adjust(rng: Rng): number {
    if (this.rdCount === 0) throw new Error('adjust() needs at least one observed minibatch');
    const rd = this.rdSum / this.rdCount;
    this.p = Math.min(1, Math.max(0, this.p + Math.sign(rd - this.settings.dTarget) * this.adjustment));
    this.rdSum = 0;
    this.rdCount = 0;
    this.lastRd = rd;
    this.T = this.tFromP();
    this.alphaBar = this.computeAlphaBar();
    this.pool = drawPool(rng, this.T, this.settings.poolSize, this.settings.tSampling);
    return rd;
  }

  getState(): AdaptiveState {
    return {
      p: this.p,
      T: this.T,
      pool: Array.from(this.pool),
      rdSum: this.rdSum,
      rdCount: this.rdCount,
      lastRd: this.lastRd,
    };
  }

  /** Restores p, T, pool and the r_d accumulator, and recomputes the schedule at once. */
  setState(state: AdaptiveState): void {
    if (state.pool.length !== this.settings.poolSize) {
      throw new Error(
        `checkpoint t pool has ${state.pool.length} entries, the config says ${this.settings.poolSize}`,
      );
    }
    this.p = state.p;
    this.T = state.T;
    this.pool = Int32Array.from(state.pool);
    this.rdSum = state.rdSum;
    this.rdCount = state.rdCount;
    this.lastRd = state.lastRd;
    this.alphaBar = this.computeAlphaBar();
  }

  private computeAlphaBar(): Float64Array {
    const s = this.settings;
    return alphaBars(betaSchedule(s.schedule, this.T, s.betaStart, s.betaEnd));
  }
}
