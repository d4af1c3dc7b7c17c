import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, imageFromBuffer, loadImageFile } from '../../../../core/data/images/decode';
import { ImageError } from '../../../../core/data/images/errors';
import { readImageHeader } from '../../../../core/data/images/header';
import { jpegBytes, pattern, pngBytes, pngChunk, rawPng, withExifOrientation } from './fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'gs-decode-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function expectImageError(fn: () => unknown, kind: string, reason: RegExp | string): ImageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ImageError);
    const e = err as ImageError;
    expect(e.kind).toBe(kind);
    if (typeof reason === 'string') expect(e.reason).toBe(reason);
    else expect(e.reason).toMatch(reason);
    expect(e.reason).not.toContain('\n');
    return e;
  }
  throw new Error('expected an ImageError');
}

describe('format detection', () => {
  it('uses magic bytes and reads the size from the header', () => {
    expect(readImageHeader(pngBytes(20, 12))).toEqual({ format: 'png', width: 20, height: 12 });
    expect(readImageHeader(jpegBytes(20, 12))).toEqual({ format: 'jpeg', width: 20, height: 12 });
  });

  it('names the first bytes of a non-image and common unsupported formats', () => {
    expectImageError(
      () => readImageHeader(Buffer.from('hello world')),
      'format',
      'not a PNG or JPEG (starts with 68 65 6c 6c 6f 20 77 6f "hello wo")',
    );
    expectImageError(() => readImageHeader(Buffer.from('GIF89a.......')), 'format', /GIF image/);
    expectImageError(() => readImageHeader(new Uint8Array(0)), 'empty', 'zero-byte file');
  });
});

describe('PNG decode', () => {
  it('round-trips RGB exactly at the native size', () => {
    const w = 16;
    const rgba = pattern(w, w);
    const out = imageFromBuffer(pngBytes(w, w, rgba), { size: w, channels: 3 }); // [16, 16, 3]
    expect(out.length).toBe(w * w * 3);
    for (let i = 0; i < w * w; i++) {
      for (let c = 0; c < 3; c++) expect(out[i * 3 + c]).toBeCloseTo((rgba[i * 4 + c] / 255) * 2 - 1, 5);
    }
  });

  it('converts to gray with Rec.601 luma', () => {
    const rgba = Buffer.alloc(8 * 8 * 4);
    for (let i = 0; i < 64; i++) rgba.set([255, 0, 0, 255], i * 4);
    const out = imageFromBuffer(pngBytes(8, 8, rgba), { size: 8, channels: 1 });
    expect(out[0]).toBeCloseTo(0.299 * 2 - 1, 5);
  });

  it('composites alpha over white by default and over black on request', () => {
    const rgba = pattern(8, 8, 0); // fully transparent
    const white = imageFromBuffer(pngBytes(8, 8, rgba), { size: 8, channels: 3 });
    const black = imageFromBuffer(pngBytes(8, 8, rgba), { size: 8, channels: 3, background: 'black' });
    expect(Math.min(...white)).toBe(1);
    expect(Math.max(...black)).toBe(-1);
  });

  it('handles palette, 16-bit gray and gray+alpha PNGs', () => {
    // Palette: red/blue checkerboard, 1 byte per pixel.
    const plte = pngChunk('PLTE', Buffer.from([255, 0, 0, 0, 0, 255]));
    const rows = Array.from({ length: 8 }, (_, y) =>
      Buffer.from(Array.from({ length: 8 }, (_, x) => (x + y) % 2)),
    );
    const pal = imageFromBuffer(rawPng(8, 8, 8, 3, rows, [plte]), { size: 8, channels: 3 });
    expect(Array.from(pal.slice(0, 6))).toEqual([1, -1, -1, -1, -1, 1]);

    // 16-bit gray: left half 0, right half 65535.
    const rows16 = Array.from({ length: 8 }, () => {
      const r = Buffer.alloc(16);
      for (let x = 4; x < 8; x++) r.writeUInt16BE(65535, x * 2);
      return r;
    });
    const g16 = imageFromBuffer(rawPng(8, 8, 16, 0, rows16), { size: 8, channels: 1 });
    expect(g16[0]).toBe(-1);
    expect(g16[7]).toBe(1);

    // Gray+alpha: black ink, transparent on the right half.
    const rowsGA = Array.from({ length: 8 }, () => {
      const r = Buffer.alloc(16);
      for (let x = 0; x < 4; x++) r[x * 2 + 1] = 255;
      return r;
    });
    const ga = imageFromBuffer(rawPng(8, 8, 8, 4, rowsGA), { size: 8, channels: 1 });
    expect(ga[0]).toBe(-1); // opaque black
    expect(ga[7]).toBe(1); // transparent over white
  });

  it('reports a truncated PNG', () => {
    const png = pngBytes(32, 32);
    expectImageError(
      () => decodeImage(png.subarray(0, png.length - 30)),
      'corrupt',
      /^truncated or corrupt PNG: /,
    );
  });
});

describe('JPEG decode', () => {
  it('round-trips close to the source', () => {
    const w = 32;
    const rgba = pattern(w, w);
    const out = imageFromBuffer(jpegBytes(w, w, rgba), { size: w, channels: 3 });
    let maxErr = 0;
    for (let i = 0; i < w * w; i++) {
      for (let c = 0; c < 3; c++)
        maxErr = Math.max(maxErr, Math.abs(out[i * 3 + c] - ((rgba[i * 4 + c] / 255) * 2 - 1)));
    }
    expect(maxErr).toBeLessThan(0.1);
  });

  it('reports a JPEG with a valid header and a truncated body', () => {
    const jpg = jpegBytes(64, 64);
    const e = expectImageError(
      () => decodeImage(jpg.subarray(0, Math.floor(jpg.length * 0.6))),
      'corrupt',
      /^truncated or corrupt JPEG: /,
    );
    expect(e.message).toBe(e.reason);
  });

  it('applies the EXIF orientation (6 = rotate 90° clockwise)', () => {
    // Top half white, bottom half black; turned clockwise, the top edge becomes the right edge.
    const w = 16;
    const rgba = Buffer.alloc(w * w * 4, 255);
    for (let i = (w * w) / 2; i < w * w; i++) rgba.set([0, 0, 0, 255], i * 4);
    const jpg = withExifOrientation(jpegBytes(w, w, rgba), 6);
    const out = imageFromBuffer(jpg, { size: w, channels: 1 });
    expect(out[8 * w + 1]).toBeLessThan(-0.8); // middle row, left
    expect(out[8 * w + (w - 2)]).toBeGreaterThan(0.8); // middle row, right
    const plain = imageFromBuffer(jpegBytes(w, w, rgba), { size: w, channels: 1 });
    expect(plain[1 * w + 8]).toBeGreaterThan(0.8); // without EXIF: white on top
  });

  it('enforces the decoder memory limit as a too-large error', () => {
    expectImageError(
      () => decodeImage(jpegBytes(256, 256), { maxMemoryMB: 0.01 }),
      'too-large',
      /too large to decode/,
    );
  });
});

describe('dimension checks', () => {
  it('rejects images smaller than the minimum side', () => {
    expectImageError(
      () => decodeImage(pngBytes(1, 1)),
      'too-small',
      'image is 1×1, smaller than the minimum 8×8',
    );
  });

  it('rejects elongated images when a maximum aspect is set', () => {
    expectImageError(
      () => decodeImage(pngBytes(200, 20), { maxAspect: 4 }),
      'aspect',
      /200×20 \(aspect 10\.0:1\)/,
    );
    expect(() => decodeImage(pngBytes(200, 20))).not.toThrow();
  });

  it('rejects images over the pixel limit before decoding them', () => {
    const header = pngBytes(8, 8);
    header.writeUInt32BE(100_000, 16); // claim 100000×8 without the data to back it
    expectImageError(
      () => decodeImage(header, { maxPixels: 500_000 }),
      'too-large',
      /over the 1 MP limit|over the 0 MP limit/,
    );
  });
});

describe('loadImageFile', () => {
  it('center-crops and resizes a file to [size, size, channels]', async () => {
    const file = join(tmp, 'wide.png');
    // 60×30: the center 30×30 crop spans x 15..44; left/right thirds are dropped.
    const rgba = pattern(60, 30);
    writeFileSync(file, pngBytes(60, 30, rgba));
    const out = await loadImageFile(file, { size: 15, channels: 3 });
    expect(out.length).toBe(15 * 15 * 3);
    // Red is the horizontal ramp: the first output pixel averages source x 15..16.
    const expected = ((rgba[15 * 4] + rgba[16 * 4]) / 2 / 255) * 2 - 1;
    expect(out[0]).toBeCloseTo(expected, 4);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
  });

  it('throws ImageError naming the file', async () => {
    const missing = join(tmp, 'missing.png');
    await expect(loadImageFile(missing, { size: 8, channels: 1 })).rejects.toThrow(
      `${missing}: unreadable: file not found`,
    );
    const empty = join(tmp, 'empty.jpg');
    writeFileSync(empty, '');
    await expect(loadImageFile(empty, { size: 8, channels: 1 })).rejects.toMatchObject({
      kind: 'empty',
      file: empty,
    });
  });

  it('decodes what pngjs writes for every color type', () => {
    for (const colorType of [0, 2, 4, 6] as const) {
      const png = new PNG({ width: 8, height: 8 });
      pattern(8, 8).copy(png.data);
      const buf = PNG.sync.write(png, { colorType });
      expect(decodeImage(buf).width).toBe(8);
    }
  });
});
