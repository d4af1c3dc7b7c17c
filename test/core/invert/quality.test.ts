import { describe, expect, it } from 'vitest';
import { PSNR_CAP, psnr, psnrFromMse, ssim } from '../../../core/invert/quality';

const shape = { height: 16, width: 16, channels: 1 };

describe('PSNR', () => {
  it('is 20 dB for a uniform error of 0.1 in [0, 1] units (0.2 in [-1, 1])', () => {
    const a = new Float32Array(256).fill(-0.5);
    const b = a.map((v) => v + 0.2);
    expect(psnr(a, b)).toBeCloseTo(20, 4);
  });

  it('is 10 log10(1 / MSE) for a known mixed error, and capped for identical images', () => {
    // Errors 0.2 and 0 in [0, 1] units, half each: MSE 0.02 -> 16.9897 dB.
    const a = new Float32Array([0, 0, 0, 0]);
    const b = new Float32Array([0.4, 0, 0.4, 0]);
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10(1 / 0.02), 4);
    expect(psnr(a, a)).toBe(PSNR_CAP);
    expect(psnrFromMse(0.001)).toBeCloseTo(30, 6);
  });
});

describe('SSIM', () => {
  it('is 1 for identical images', () => {
    const a = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i));
    expect(ssim(a, a, shape)).toBeCloseTo(1, 10);
  });

  it('matches the closed form for two constant images: (2ab + C1) / (a^2 + b^2 + C1)', () => {
    const a = new Float32Array(256).fill(0); // 0.5 in [0, 1]
    const b = new Float32Array(256).fill(-0.5); // 0.25
    const c1 = 0.01 ** 2;
    expect(ssim(a, b, shape)).toBeCloseTo((2 * 0.5 * 0.25 + c1) / (0.25 + 0.0625 + c1), 8);
  });

  it('matches the contrast-structure term for an image and its negative (no mean change)', () => {
    // y = 1 - x in [0, 1] around mean 0.5: luminance term 1, cs term (-2 var + C2) / (2 var + C2).
    const values = Float32Array.from({ length: 256 }, (_, i) => (i % 2 ? 0.5 : -0.5)); // 0.75 / 0.25 checkerboard
    const neg = values.map((v) => -v);
    const s = ssim(values, neg, shape);
    expect(s).toBeLessThan(0);
    expect(s).toBeGreaterThan(-1);
    // A shifted checkerboard has, per window, var 0.0625 (equal weights aside): cs ~ (-0.125 + C2) / (0.125 + C2).
    expect(s).toBeCloseTo((-0.125 + 0.03 ** 2) / (0.125 + 0.03 ** 2), 1);
  });

  it('falls as noise grows', () => {
    const a = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i / 5));
    let seed = 1;
    const noise = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    const small = a.map((v) => v + 0.1 * noise());
    const large = a.map((v) => v + 0.8 * noise());
    expect(ssim(a, small, shape)).toBeGreaterThan(ssim(a, large, shape));
  });
});
