/**
 * Animated GIFs from RGBA frames (the run's sample grids as a flipbook), via the small MIT
 * `gifenc` encoder: each frame gets its own 256-colour palette, so grey MNIST grids stay
 * exact and colour grids lose little.
 */
import * as gifencModule from 'gifenc';
import { PNG } from 'pngjs';

// Node loads the package's CommonJS build (everything under `default`); bundlers its ESM build.
const gifenc: typeof gifencModule =
  'GIFEncoder' in gifencModule ? gifencModule : (gifencModule as { default: typeof gifencModule }).default;

export interface RgbaFrame {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major. */
  rgba: Uint8Array;
}

/** Loops forever; `frameMs` per frame (GIF stores hundredths of a second). */
export function encodeGif(frames: RgbaFrame[], frameMs: number): Uint8Array {
  if (frames.length === 0) throw new Error('a GIF needs at least one frame');
  const { width, height } = frames[0];
  const gif = gifenc.GIFEncoder();
  frames.forEach((frame, i) => {
    if (frame.width !== width || frame.height !== height) {
      throw new Error(`frame ${i} is ${frame.width}x${frame.height}, the first is ${width}x${height}`);
    }
    const palette = gifenc.quantize(frame.rgba, 256);
    const index = gifenc.applyPalette(frame.rgba, palette);
    gif.writeFrame(index, width, height, { palette, delay: frameMs, ...(i === 0 ? { repeat: 0 } : {}) });
  });
  gif.finish();
  return gif.bytes();
}

/** A PNG file's pixels as an RGBA frame (grey and palette PNGs come out as RGBA too). */
export function pngFrame(png: Uint8Array): RgbaFrame {
  const decoded = PNG.sync.read(Buffer.from(png));
  return { width: decoded.width, height: decoded.height, rgba: new Uint8Array(decoded.data) };
}
