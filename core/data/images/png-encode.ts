import { PNG } from 'pngjs';

export interface GridOptions {
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** Tiles per row (default ceil(sqrt(count))). */
  cols?: number;
  /** Pixels between and around tiles (default 2 for a grid, 0 for a single image). */
  pad?: number;
  /** Padding colour in [-1, 1] (default 0, mid-gray, visible on both dark and light data). */
  padValue?: number;
}

/**
 * Writes images [count, height, width, channels] in [-1, 1] as one PNG grid, row-major from
 * the top left. Values are clamped, mapped to 0..255 with rounding; NaN becomes 0 (black) so
 * a diverged generator shows up as black tiles instead of failing. 8-bit gray or RGB.
 */
export function encodeGridPng(images: Float32Array, opts: GridOptions): Uint8Array {
  const { count, height, width, channels } = opts;
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`grid count must be a positive integer, got ${count}`);
  if (channels !== 1 && channels !== 3) throw new Error(`grid channels must be 1 or 3, got ${channels}`);
  const per = height * width * channels;
  if (images.length < count * per) {
    throw new Error(`grid needs ${count}×${height}×${width}×${channels} values, got ${images.length}`);
  }
  const cols = Math.max(1, Math.min(opts.cols ?? Math.ceil(Math.sqrt(count)), count));
  const rows = Math.ceil(count / cols);
  const pad = opts.pad ?? (count > 1 ? 2 : 0);
  const outW = cols * width + (cols + 1) * pad;
  const outH = rows * height + (rows + 1) * pad;
  const data = Buffer.alloc(outW * outH * channels, toByte(opts.padValue ?? 0)); // [outH, outW, C]
  const rowBytes = width * channels;
  for (let n = 0; n < count; n++) {
    const ox = pad + (n % cols) * (width + pad);
    const oy = pad + Math.floor(n / cols) * (height + pad);
    for (let y = 0; y < height; y++) {
      let src = n * per + y * rowBytes;
      let dst = ((oy + y) * outW + ox) * channels;
      for (let i = 0; i < rowBytes; i++) data[dst++] = toByte(images[src++]);
    }
  }
  const colorType = channels === 1 ? 0 : 2;
  const png = new PNG({ width: outW, height: outH, fill: false });
  png.data = data;
  const out = PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: false });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function toByte(v: number): number {
  if (!(v > -1)) return 0; // also NaN
  if (v >= 1) return 255;
  return Math.round((v + 1) * 127.5);
}
