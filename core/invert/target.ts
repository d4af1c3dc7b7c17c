/**
 * The target of an inversion as G sees it: PNG or JPEG bytes of any size, center-cropped and
 * resized to G's resolution, converted to G's channels (RGB -> gray by Rec.601 luma, gray ->
 * RGB by repetition), EXIF-oriented, in [-1, 1]. Images with transparency (2 or 4 channels:
 * gray + alpha, RGBA) are refused rather than composited onto a guessed background, since the
 * background colour would change what G is asked to reproduce.
 */

import { UserError } from '../api/errors';
import { decodeImage, imageFromBuffer } from '../data/images/decode';
import { ImageError } from '../data/images/errors';
import { readImageHeader } from '../data/images/header';
import { encodeGridPng } from '../data/images/png-encode';
import type { ImageShape } from '../models/image-shape';

export interface PreparedTarget {
  /** [H, W, C] in [-1, 1] */
  pixels: Float32Array;
  /** The same as an 8-bit PNG. */
  png: Uint8Array;
}

/** PNG colour types with an alpha channel: 4 gray + alpha, 6 RGBA. */
const PNG_ALPHA_TYPES: Record<number, string> = { 4: '2 channels (gray + alpha)', 6: '4 channels (RGBA)' };

/** `label` names the image in messages (a file name, or 'image'). Throws a one-line UserError. */
export function prepareTarget(bytes: Uint8Array, shape: ImageShape, label = 'image'): PreparedTarget {
  try {
    const header = readImageHeader(bytes);
    if (header.format === 'png' && bytes.length > 25 && PNG_ALPHA_TYPES[bytes[25]]) {
      const rgba = decodeImage(bytes);
      for (let i = 3; i < rgba.data.length; i += 4) {
        if (rgba.data[i] !== 255) {
          throw new UserError(
            `${label} has ${PNG_ALPHA_TYPES[bytes[25]]} with transparent pixels; inversion takes gray or RGB images: flatten it onto a background first`,
          );
        }
      }
    }
    const pixels = imageFromBuffer(bytes, {
      size: shape.height,
      channels: shape.channels,
      background: 'black',
    });
    const png = encodeGridPng(pixels, {
      count: 1,
      height: shape.height,
      width: shape.width,
      channels: shape.channels,
    });
    return { pixels, png };
  } catch (err) {
    if (err instanceof ImageError) throw new UserError(`${label}: ${err.reason}`);
    throw err;
  }
}
