/**
 * Reconstruction quality of an inversion: PSNR and SSIM, on images in [-1, 1] measured in the
 * [0, 1] range (so the figures compare with papers that report them on [0, 1] or 8-bit images).
 */

/** Reported for identical images, where PSNR is infinite (JSON and SQLite have no Infinity). */
export const PSNR_CAP = 100;

/** Mean squared error in [0, 1] units between two images in [-1, 1]. */
export function mse01(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) {
    throw new Error(`images must have the same non-zero size, got ${a.length} and ${b.length} values`);
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] - b[i]) / 2;
    sum += d * d;
  }
  return sum / a.length;
}

/** PSNR in dB for a mean squared error in [0, 1] units (peak 1), capped at PSNR_CAP. */
export function psnrFromMse(mse: number): number {
  if (!(mse > 0)) return PSNR_CAP;
  return Math.min(PSNR_CAP, -10 * Math.log10(mse));
}

/** PSNR in dB between two images in [-1, 1]. */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return psnrFromMse(mse01(a, b));
}

const SSIM_WINDOW = 11;
const SSIM_SIGMA = 1.5;
const K1 = 0.01;
const K2 = 0.03;

function gaussianWindow(size: number, sigma: number): Float64Array {
  const w = new Float64Array(size);
  const c = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    w[i] = Math.exp(-((i - c) ** 2) / (2 * sigma * sigma));
    sum += w[i];
  }
  for (let i = 0; i < size; i++) w[i] /= sum;
  return w;
}

/**
 * Mean SSIM (Wang et al. 2004) between two [H, W, C] images in [-1, 1]: 11x11 Gaussian window
 * (sigma 1.5), K1 = 0.01, K2 = 0.03, dynamic range 1 after mapping to [0, 1], averaged over the
 * window positions that fit inside the image ('valid', as the reference MATLAB code) and over
 * channels. Images smaller than the window use a window of their own size.
 */
export function ssim(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  shape: { height: number; width: number; channels: number },
): number {
  const { height, width, channels } = shape;
  if (a.length !== height * width * channels || b.length !== a.length) {
    throw new Error(
      `ssim: images must be ${height}x${width}x${channels}, got ${a.length} and ${b.length} values`,
    );
  }
  const size = Math.min(SSIM_WINDOW, height, width);
  const g = gaussianWindow(size, SSIM_SIGMA);
  const c1 = K1 * K1;
  const c2 = K2 * K2;
  const outH = height - size + 1;
  const outW = width - size + 1;
  let total = 0;
  for (let ch = 0; ch < channels; ch++) {
    const px = (img: ArrayLike<number>, y: number, x: number) =>
      (img[(y * width + x) * channels + ch] + 1) / 2;
    for (let y0 = 0; y0 < outH; y0++) {
      for (let x0 = 0; x0 < outW; x0++) {
        let mx = 0;
        let my = 0;
        let sxx = 0;
        let syy = 0;
        let sxy = 0;
        for (let i = 0; i < size; i++) {
          for (let j = 0; j < size; j++) {
            const w = g[i] * g[j];
            const vx = px(a, y0 + i, x0 + j);
            const vy = px(b, y0 + i, x0 + j);
            mx += w * vx;
            my += w * vy;
            sxx += w * vx * vx;
            syy += w * vy * vy;
            sxy += w * vx * vy;
          }
        }
        const vx = sxx - mx * mx;
        const vy = syy - my * my;
        const cov = sxy - mx * my;
        total += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      }
    }
  }
  return total / (outH * outW * channels);
}
