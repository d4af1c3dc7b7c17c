import type { ImageChannels } from './types';

/** A decoded 8-bit image, [height, width, 4] RGBA (what pngjs and jpeg-js produce). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * 1-D resampling taps: out[i] = sum_k weight[i * taps + k] * in[index[i * taps + k]].
 * Weights are non-negative and sum to 1, so constants stay constant and monotonic ramps stay
 * monotonic (no ringing, unlike Lanczos/bicubic).
 */
export interface Kernel {
  outLen: number;
  taps: number;
  index: Int32Array; // [outLen, taps]
  weight: Float32Array; // [outLen, taps]
}

/** Area-averaging (box) when shrinking, so every input pixel counts; bilinear when growing. */
export function resampleKernel(inLen: number, outLen: number): Kernel {
  if (!(inLen >= 1 && outLen >= 1 && Number.isInteger(inLen) && Number.isInteger(outLen))) {
    throw new Error(`resize lengths must be positive integers, got ${inLen} -> ${outLen}`);
  }
  if (outLen < inLen) return boxKernel(inLen, outLen);
  if (outLen > inLen) return bilinearKernel(inLen, outLen);
  const index = new Int32Array(outLen);
  for (let i = 0; i < outLen; i++) index[i] = i;
  return { outLen, taps: 1, index, weight: new Float32Array(outLen).fill(1) };
}

function boxKernel(inLen: number, outLen: number): Kernel {
  const scale = inLen / outLen;
  const taps = Math.ceil(scale) + 1;
  const index = new Int32Array(outLen * taps);
  const weight = new Float32Array(outLen * taps);
  for (let i = 0; i < outLen; i++) {
    // Output pixel i covers the input interval [lo, hi); each input pixel weighs by its overlap.
    const lo = i * scale;
    const hi = Math.min((i + 1) * scale, inLen);
    let k = 0;
    for (let j = Math.floor(lo); j < hi && k < taps; j++, k++) {
      const overlap = Math.min(j + 1, hi) - Math.max(j, lo);
      index[i * taps + k] = j;
      weight[i * taps + k] = overlap / scale;
    }
  }
  return { outLen, taps, index, weight };
}

function bilinearKernel(inLen: number, outLen: number): Kernel {
  const index = new Int32Array(outLen * 2);
  const weight = new Float32Array(outLen * 2);
  for (let i = 0; i < outLen; i++) {
    // Pixel centers aligned (half-pixel convention), edges clamped.
    const src = Math.min(Math.max(((i + 0.5) * inLen) / outLen - 0.5, 0), inLen - 1);
    const j0 = Math.floor(src);
    const j1 = Math.min(j0 + 1, inLen - 1);
    const f = src - j0;
    index[2 * i] = j0;
    index[2 * i + 1] = j1;
    weight[2 * i] = 1 - f;
    weight[2 * i + 1] = f;
  }
  return { outLen, taps: 2, index, weight };
}

/**
 * Separable resize: horizontal pass per source row into [srcH, outW, C], then vertical.
 * `readRow(y, row)` fills row ([srcW, C]) so callers can crop/convert on the fly instead of
 * materialising a float copy of a large source image.
 */
function separableResize(
  readRow: (y: number, row: Float32Array) => void,
  srcH: number,
  srcW: number,
  channels: number,
  outH: number,
  outW: number,
): Float32Array {
  const kx = resampleKernel(srcW, outW);
  const ky = resampleKernel(srcH, outH);
  const row = new Float32Array(srcW * channels); // [srcW, C]
  const tmp = new Float32Array(srcH * outW * channels); // [srcH, outW, C]
  const { taps, index, weight } = kx;
  for (let y = 0; y < srcH; y++) {
    readRow(y, row);
    let o = y * outW * channels;
    // Channel-specialised loops: the generic one is ~3x slower and this is the hot path of folder loading.
    if (channels === 3) {
      for (let x = 0, t = 0; x < outW; x++, t += taps) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let k = t; k < t + taps; k++) {
          const w = weight[k];
          const j = index[k] * 3;
          r += w * row[j];
          g += w * row[j + 1];
          b += w * row[j + 2];
        }
        tmp[o++] = r;
        tmp[o++] = g;
        tmp[o++] = b;
      }
    } else if (channels === 1) {
      for (let x = 0, t = 0; x < outW; x++, t += taps) {
        let acc = 0;
        for (let k = t; k < t + taps; k++) acc += weight[k] * row[index[k]];
        tmp[o++] = acc;
      }
    } else {
      for (let x = 0, t = 0; x < outW; x++, t += taps) {
        for (let c = 0; c < channels; c++) {
          let acc = 0;
          for (let k = t; k < t + taps; k++) acc += weight[k] * row[index[k] * channels + c];
          tmp[o++] = acc;
        }
      }
    }
  }
  const out = new Float32Array(outH * outW * channels); // [outH, outW, C]
  const rowLen = outW * channels;
  for (let y = 0; y < outH; y++) {
    const dst = y * rowLen;
    for (let k = 0; k < ky.taps; k++) {
      const w = ky.weight[y * ky.taps + k];
      if (w === 0) continue;
      const src = ky.index[y * ky.taps + k] * rowLen;
      for (let i = 0; i < rowLen; i++) out[dst + i] += w * tmp[src + i];
    }
  }
  return out;
}

/** Resizes a float image [H, W, C] to [outH, outW, C] (values keep their range). */
export function resize(
  src: Float32Array,
  shape: { height: number; width: number; channels: number },
  outH: number,
  outW: number,
): Float32Array {
  const { height, width, channels } = shape;
  if (src.length < height * width * channels) {
    throw new Error(`resize: source has ${src.length} values, expected ${height * width * channels}`);
  }
  const rowLen = width * channels;
  return separableResize(
    (y, row) => row.set(src.subarray(y * rowLen, (y + 1) * rowLen)),
    height,
    width,
    channels,
    outH,
    outW,
  );
}

/** The largest centered square; odd leftovers put the extra pixel on the right/bottom. */
export function centerCropSquare(width: number, height: number): { x0: number; y0: number; side: number } {
  const side = Math.min(width, height);
  return { x0: Math.floor((width - side) / 2), y0: Math.floor((height - side) / 2), side };
}

export interface ToSquareOptions {
  size: number;
  channels: ImageChannels;
  /** Colour that transparent pixels are composited over. */
  background: 'white' | 'black';
}

/**
 * RGBA bytes -> center-cropped square, resized to [size, size, channels] in [-1, 1].
 * Alpha is composited over `background` first; gray is Rec.601 luma (0.299 R + 0.587 G +
 * 0.114 B, as PIL's 'L'), and all arithmetic is on the stored (gamma-encoded) values.
 */
export function rgbaToSquare(img: RgbaImage, opts: ToSquareOptions): Float32Array {
  const { size, channels } = opts;
  const bg = opts.background === 'white' ? 255 : 0;
  const { x0, y0, side } = centerCropSquare(img.width, img.height);
  const data = img.data;
  const stride = img.width * 4;
  const readRow = (y: number, row: Float32Array): void => {
    let p = (y0 + y) * stride + x0 * 4;
    for (let x = 0; x < side; x++, p += 4) {
      const a = data[p + 3] / 255;
      const r = data[p] * a + bg * (1 - a);
      const g = data[p + 1] * a + bg * (1 - a);
      const b = data[p + 2] * a + bg * (1 - a);
      if (channels === 1) row[x] = 0.299 * r + 0.587 * g + 0.114 * b;
      else {
        row[3 * x] = r;
        row[3 * x + 1] = g;
        row[3 * x + 2] = b;
      }
    }
  };
  const out = separableResize(readRow, side, side, channels, size, size);
  for (let i = 0; i < out.length; i++) {
    const v = (out[i] / 255) * 2 - 1;
    out[i] = Math.max(-1, Math.min(1, v));
  }
  return out;
}
