import { describe, expect, it } from 'vitest';
import { exifOrientation, orientSquare } from '../../../../core/data/images/exif';
import { centerCropSquare, resampleKernel, resize, rgbaToSquare } from '../../../../core/data/images/resize';

function ramp(h: number, w: number): Float32Array {
  const out = new Float32Array(h * w); // [h, w, 1], increasing along x
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = x / (w - 1);
  return out;
}

describe('resampleKernel', () => {
  it('has non-negative weights summing to 1 for shrinking and growing', () => {
    for (const [inLen, outLen] of [
      [100, 7],
      [64, 32],
      [33, 32],
      [7, 100],
      [28, 32],
      [5, 5],
    ]) {
      const k = resampleKernel(inLen, outLen);
      for (let i = 0; i < outLen; i++) {
        let sum = 0;
        for (let t = 0; t < k.taps; t++) {
          expect(k.weight[i * k.taps + t]).toBeGreaterThanOrEqual(0);
          sum += k.weight[i * k.taps + t];
        }
        expect(sum).toBeCloseTo(1, 5);
      }
    }
  });

  it('averages areas when shrinking by an integer factor', () => {
    const out = resize(Float32Array.from([0, 2, 4, 6, 8, 10]), { height: 1, width: 6, channels: 1 }, 1, 3);
    expect(Array.from(out)).toEqual([1, 5, 9]);
  });
});

describe('resize', () => {
  it('keeps a constant image constant', () => {
    const src = new Float32Array(37 * 53 * 3).fill(0.3);
    for (const [h, w] of [
      [8, 8],
      [64, 100],
      [37, 53],
    ]) {
      const out = resize(src, { height: 37, width: 53, channels: 3 }, h, w);
      expect(out.length).toBe(h * w * 3);
      for (const v of out) expect(v).toBeCloseTo(0.3, 5);
    }
  });

  it('keeps a gradient monotonic when shrinking and growing', () => {
    for (const [inW, outW] of [
      [97, 16],
      [16, 97],
      [30, 28],
    ]) {
      const out = resize(ramp(4, inW), { height: 4, width: inW, channels: 1 }, 3, outW);
      for (let y = 0; y < 3; y++) {
        for (let x = 1; x < outW; x++)
          expect(out[y * outW + x]).toBeGreaterThanOrEqual(out[y * outW + x - 1]);
        expect(out[y * outW]).toBeGreaterThanOrEqual(0);
        expect(out[y * outW + outW - 1]).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('rgbaToSquare', () => {
  it('center-crops the long side', () => {
    expect(centerCropSquare(60, 30)).toEqual({ x0: 15, y0: 0, side: 30 });
    expect(centerCropSquare(30, 61)).toEqual({ x0: 0, y0: 15, side: 30 });
  });

  it('maps bytes to [-1, 1] and keeps a flat colour flat at any size', () => {
    const data = new Uint8Array(40 * 25 * 4);
    for (let i = 0; i < 40 * 25; i++) data.set([0, 255, 51, 255], i * 4);
    for (const size of [8, 25, 64]) {
      const out = rgbaToSquare({ width: 40, height: 25, data }, { size, channels: 3, background: 'white' });
      expect(out.length).toBe(size * size * 3);
      expect(out[0]).toBeCloseTo(-1, 5);
      expect(out[1]).toBeCloseTo(1, 5);
      expect(out[out.length - 1]).toBeCloseTo(-0.6, 5);
    }
  });
});

describe('EXIF orientation', () => {
  // 2×2 image [[a, b], [c, d]] as displayed after each orientation.
  const cases: Record<number, number[]> = {
    1: [1, 2, 3, 4],
    2: [2, 1, 4, 3],
    3: [4, 3, 2, 1],
    4: [3, 4, 1, 2],
    5: [1, 3, 2, 4],
    6: [3, 1, 4, 2],
    7: [4, 2, 3, 1],
    8: [2, 4, 1, 3],
  };
  it('maps every orientation to the displayed pixel order', () => {
    for (const [o, expected] of Object.entries(cases)) {
      expect(Array.from(orientSquare(Float32Array.from([1, 2, 3, 4]), 2, 1, Number(o)))).toEqual(expected);
    }
  });

  it('reads 1 from missing or malformed EXIF', () => {
    expect(exifOrientation(undefined)).toBe(1);
    expect(exifOrientation(Uint8Array.from([0, 1, 2]))).toBe(1);
    expect(exifOrientation(Uint8Array.from([0, 0x4d, 0x4d, 0, 42, 0, 0, 0, 200]))).toBe(1);
  });
});
