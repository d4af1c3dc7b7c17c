import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { imageFromBuffer } from '../../../../core/data/images/decode';
import { encodeGridPng } from '../../../../core/data/images/png-encode';

function decode(bytes: Uint8Array): PNG {
  return PNG.sync.read(Buffer.from(bytes));
}

describe('encodeGridPng', () => {
  it('lays out tiles with padding and decodes back to the expected size', () => {
    const count = 10;
    const [h, w] = [6, 5];
    const images = new Float32Array(count * h * w).fill(1);
    const png = decode(encodeGridPng(images, { count, height: h, width: w, channels: 1 }));
    // Default: ceil(sqrt(10)) = 4 columns, 3 rows, 2 px padding around and between tiles.
    expect([png.width, png.height]).toEqual([4 * w + 5 * 2, 3 * h + 4 * 2]);
    const at = (x: number, y: number) => png.data[(y * png.width + x) * 4];
    expect(at(2, 2)).toBe(255); // first tile
    expect(at(0, 0)).toBe(128); // padding: value 0 -> mid-gray
    expect(at(png.width - 3, png.height - 3)).toBe(128); // missing 12th tile stays padding
  });

  it('maps [-1, 1] to 0..255, clamping out-of-range values and NaN', () => {
    const images = Float32Array.from([-1, -0.5, 0, 0.5, 1, 3, -3, Number.NaN]);
    const png = decode(encodeGridPng(images, { count: 1, height: 1, width: 8, channels: 1 }));
    expect(png.width).toBe(8); // a single image has no padding by default
    const gray = Array.from({ length: 8 }, (_, i) => png.data[i * 4]);
    expect(gray).toEqual([0, 64, 128, 191, 255, 255, 0, 0]);
  });

  it('writes RGB images that our own decoder reads back', () => {
    const size = 8;
    const images = new Float32Array(size * size * 3); // [1, 8, 8, 3]
    for (let i = 0; i < size * size; i++) images.set([1, -1, (i % size) / (size - 1)], i * 3);
    const bytes = encodeGridPng(images, { count: 1, height: size, width: size, channels: 3 });
    const back = imageFromBuffer(bytes, { size, channels: 3 });
    expect(back.length).toBe(images.length);
    for (let i = 0; i < images.length; i++)
      expect(Math.abs(back[i] - images[i])).toBeLessThanOrEqual(1 / 127.5);
    const tiled = decode(
      encodeGridPng(new Float32Array(4 * 27).fill(-1), {
        count: 4,
        height: 3,
        width: 3,
        channels: 3,
        cols: 4,
        pad: 1,
      }),
    );
    expect([tiled.width, tiled.height]).toEqual([4 * 3 + 5, 3 + 2]);
  });

  it('rejects arrays that are too short', () => {
    expect(() => encodeGridPng(new Float32Array(10), { count: 2, height: 4, width: 4, channels: 1 })).toThrow(
      /needs/,
    );
  });
});
