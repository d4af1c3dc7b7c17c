/**
 * Beta schedules of Diffusion-GAN's forward chain (ALGORITHMS.md §1). A schedule is always
 * stretched over the *current* T, so when the adaptive controller changes T the betas and
 * cumulative products are recomputed from scratch.
 */
export const SCHEDULES = ['linear', 'cosine', 'quadratic', 'sigmoid', 'constant'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

const COSINE_S = 0.008;
const MAX_BETA = 0.999;

/** beta_1..beta_T (index 0 holds beta_1). */
export function betaSchedule(
  name: ScheduleName,
  T: number,
  betaStart: number,
  betaEnd: number,
): Float64Array {
  if (!Number.isInteger(T) || T < 1) throw new Error(`T must be a positive integer, got ${T}`);
  const betas = new Float64Array(T);
  const lin = (i: number, a: number, b: number) => (T === 1 ? a : a + ((b - a) * i) / (T - 1));
  for (let i = 0; i < T; i++) {
    switch (name) {
      case 'linear':
        betas[i] = lin(i, betaStart, betaEnd);
        break;
      case 'quadratic':
        betas[i] = lin(i, Math.sqrt(betaStart), Math.sqrt(betaEnd)) ** 2;
        break;
      case 'sigmoid': {
        const s = 1 / (1 + Math.exp(-lin(i, -6, 6)));
        betas[i] = s * (betaEnd - betaStart) + betaStart;
        break;
      }
      case 'constant':
        betas[i] = betaEnd;
        break;
      case 'cosine': {
        const f = (t: number) => Math.cos(((t / T + COSINE_S) / (1 + COSINE_S)) * (Math.PI / 2)) ** 2;
        betas[i] = Math.min(1 - f(i + 1) / f(i), MAX_BETA);
        break;
      }
      default:
        throw new Error(`unknown beta schedule '${name satisfies never}'`);
    }
  }
  return betas;
}

/** alpha_bar_0..alpha_bar_T with alpha_bar_0 = 1 and alpha_bar_t = prod_{s<=t} (1 - beta_s). */
export function alphaBars(betas: Float64Array): Float64Array {
  const out = new Float64Array(betas.length + 1);
  out[0] = 1;
  for (let t = 1; t <= betas.length; t++) out[t] = out[t - 1] * (1 - betas[t - 1]);
  return out;
}
