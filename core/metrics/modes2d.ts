/**
 * Mode-collapse metrics on 2D mixtures (VEEGAN / PacGAN protocol, ALGORITHMS.md §4), and the
 * energy distance for any 2D data (no modes needed).
 */
import type { Modes2D } from '../data/toy2d';

export interface ModeMetrics {
  /** Modes nearest to at least one high-quality sample. */
  modes: number;
  /** Fraction of samples within 3 std of their nearest mode. */
  hqFraction: number;
  /** KL(histogram of high-quality samples over modes || uniform); null if no sample is high quality. */
  reverseKl: number | null;
}

export function modeMetrics(samples: Float32Array, modes: Modes2D): ModeMetrics {
  const k = modes.centers.length / 2;
  const n = samples.length / 2;
  const counts = new Float64Array(k);
  const threshold2 = (3 * modes.std) ** 2;
  let hq = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[2 * i];
    const y = samples[2 * i + 1];
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const dx = x - modes.centers[2 * c];
      const dy = y - modes.centers[2 * c + 1];
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    if (bestD <= threshold2) {
      counts[best] += 1;
      hq += 1;
    }
  }
  let covered = 0;
  let kl = 0;
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) continue;
    covered += 1;
    const p = counts[c] / hq;
    kl += p * Math.log(p * k);
  }
  return { modes: covered, hqFraction: n ? hq / n : 0, reverseKl: hq ? kl : null };
}

function meanDistance(a: Float32Array, b: Float32Array, sameSet: boolean): number {
  const na = a.length / 2;
  const nb = b.length / 2;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < na; i++) {
    for (let j = sameSet ? i + 1 : 0; j < nb; j++) {
      sum += Math.hypot(a[2 * i] - b[2 * j], a[2 * i + 1] - b[2 * j + 1]);
      pairs += 1;
    }
  }
  return pairs ? sum / pairs : 0;
}

/**
 * Energy distance 2E|X-Y| - E|X-X'| - E|Y-Y'| between two 2D point sets (Szekely & Rizzo):
 * zero iff the distributions match; it sees missing modes and blurry samples alike.
 */
export function energyDistance(a: Float32Array, b: Float32Array): number {
  return 2 * meanDistance(a, b, false) - meanDistance(a, a, true) - meanDistance(b, b, true);
}
