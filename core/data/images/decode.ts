import { readFile, stat } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ImageError, oneLine } from './errors';
import { exifOrientation, orientSquare } from './exif';
import { type ImageFormat, readImageHeader } from './header';
import { type RgbaImage, rgbaToSquare } from './resize';
import type { ImageChannels } from './types';

export interface DecodeLimits {
  /** Refuse images with more pixels than this before decoding (default 50 megapixels). */
  maxPixels?: number;
  /** jpeg-js's decoder memory cap in MB (default 512). */
  maxMemoryMB?: number;
}

export interface DimensionLimits {
  /** Smallest accepted width and height (default 8). */
  minSide?: number;
  /** Largest accepted long side / short side (default: no limit). */
  maxAspect?: number;
}

export interface DecodedImage extends RgbaImage {
  format: ImageFormat;
  /** EXIF orientation 1..8 (JPEG only; PNGs report 1). */
  orientation: number;
}

export const DEFAULT_MIN_SIDE = 8;
export const DEFAULT_MAX_PIXELS = 50_000_000;
export const DEFAULT_MAX_MEMORY_MB = 512;

/** Throws an ImageError if the pixel size is unusable; needs only the header. */
export function checkDimensions(
  width: number,
  height: number,
  limits: DimensionLimits & DecodeLimits = {},
): void {
  const minSide = limits.minSide ?? DEFAULT_MIN_SIDE;
  const maxAspect = limits.maxAspect ?? Number.POSITIVE_INFINITY;
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (width < minSide || height < minSide) {
    throw new ImageError(
      'too-small',
      `image is ${width}×${height}, smaller than the minimum ${minSide}×${minSide}`,
    );
  }
  const aspect = Math.max(width, height) / Math.min(width, height);
  if (aspect > maxAspect) {
    throw new ImageError(
      'aspect',
      `image is ${width}×${height} (aspect ${aspect.toFixed(1)}:1), more elongated than ${maxAspect}:1`,
    );
  }
  if (width * height > maxPixels) {
    const mp = (width * height) / 1e6;
    throw new ImageError(
      'too-large',
      `image is ${width}×${height} (${mp.toFixed(0)} MP), over the ${(maxPixels / 1e6).toFixed(0)} MP limit`,
    );
  }
}

/**
 * Decodes PNG or JPEG (chosen by magic bytes) to 8-bit RGBA. pngjs normalises palette,
 * 16-bit, gray and gray+alpha to RGBA; jpeg-js handles baseline, progressive and CMYK.
 */
export function decodeImage(buf: Uint8Array, limits: DimensionLimits & DecodeLimits = {}): DecodedImage {
  const header = readImageHeader(buf);
  checkDimensions(header.width, header.height, limits);
  return header.format === 'png' ? decodePng(buf) : decodeJpeg(buf, limits);
}

function decodePng(buf: Uint8Array): DecodedImage {
  try {
    const png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
    return { format: 'png', width: png.width, height: png.height, data: png.data, orientation: 1 };
  } catch (err) {
    const msg = oneLine(err);
    // pngjs's wording when the data stream ends early.
    const reason = /read requests|unexpected end/i.test(msg) ? 'data ends early' : msg;
    throw new ImageError('corrupt', `truncated or corrupt PNG: ${reason}`);
  }
}

function decodeJpeg(buf: Uint8Array, limits: DecodeLimits): DecodedImage {
  const maxMemoryMB = limits.maxMemoryMB ?? DEFAULT_MAX_MEMORY_MB;
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  try {
    const img = jpeg.decode(buf, {
      useTArray: true,
      formatAsRGBA: true,
      maxMemoryUsageInMB: maxMemoryMB,
      maxResolutionInMP: maxPixels / 1e6,
    });
    const orientation = exifOrientation((img as { exifBuffer?: Uint8Array }).exifBuffer);
    return { format: 'jpeg', width: img.width, height: img.height, data: img.data, orientation };
  } catch (err) {
    const msg = oneLine(err);
    if (/limit exceeded|allocate enough memory/i.test(msg)) {
      throw new ImageError('too-large', `JPEG is too large to decode within ${maxMemoryMB} MB: ${msg}`);
    }
    throw new ImageError('corrupt', `truncated or corrupt JPEG: ${msg}`);
  }
}

export interface ImageToArrayOptions extends DimensionLimits, DecodeLimits {
  size: number;
  channels: ImageChannels;
  /**
   * What transparent pixels are composited over (default 'white', as viewers show them on a
   * light page). Use 'black' for white-on-black data such as MNIST or shapes.
   */
  background?: 'white' | 'black';
}

/** PNG/JPEG bytes -> [size, size, channels] in [-1, 1]: center crop, resize, EXIF-orient. */
export function imageFromBuffer(buf: Uint8Array, opts: ImageToArrayOptions): Float32Array {
  if (!Number.isInteger(opts.size) || opts.size < 1)
    throw new Error(`size must be a positive integer, got ${opts.size}`);
  const img = decodeImage(buf, opts);
  const square = rgbaToSquare(img, {
    size: opts.size,
    channels: opts.channels,
    background: opts.background ?? 'white',
  });
  return orientSquare(square, opts.size, opts.channels, img.orientation);
}

/** Reads a file, turning file-system failures into one-line ImageErrors. */
export async function readImageBytes(path: string): Promise<Buffer> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new ImageError('unreadable', 'not a regular file');
    size = st.size;
  } catch (err) {
    if (err instanceof ImageError) throw err;
    throw new ImageError('unreadable', `unreadable: ${describeFsError(err)}`);
  }
  if (size === 0) throw new ImageError('empty', 'zero-byte file');
  try {
    return await readFile(path);
  } catch (err) {
    throw new ImageError('unreadable', `unreadable: ${describeFsError(err)}`);
  }
}

function describeFsError(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return oneLine(err);
}

/**
 * Loads one user image as [size, size, channels] in [-1, 1] (e.g. the target of an inversion).
 * Throws ImageError (with `file` set) for anything unusable.
 */
export async function loadImageFile(path: string, opts: ImageToArrayOptions): Promise<Float32Array> {
  try {
    return imageFromBuffer(await readImageBytes(path), opts);
  } catch (err) {
    if (err instanceof ImageError) throw err.withFile(path);
    throw err;
  }
}
