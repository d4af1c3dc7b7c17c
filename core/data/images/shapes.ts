import { Rng } from '../../engine/rng';
import type { ImageSet } from './types';

export interface ShapesOptions {
  size: 32 | 64;
  count: number;
  seed: number;
}

export const SHAPE_NAMES = ['square', 'ellipse', 'heart'];
export const SHAPE_FACTOR_NAMES = ['shape', 'scale', 'rotation', 'x', 'y'];
export const SHAPE_SCALE_RANGE: [number, number] = [0.5, 1];
/** Radius of the bounding circle (about the centroid) at scale 1, as a fraction of the image side. */
export const SHAPE_BASE_RADIUS = 0.28;
const SUPERSAMPLE = 4; // 4×4 coverage samples per pixel: anti-aliased edges at 32×32

/**
 * dSprites-like white-on-black shapes with known generative factors, one row per image in
 * `factors.values` ([count, 5]):
 * - shape: 0 square, 1 ellipse (2:1), 2 heart; also `labels`.
 * - scale: uniform in [0.5, 1]; the shape's bounding circle has radius scale × 0.28 × size px.
 * - rotation: uniform in [0, 2π), counter-clockwise as displayed, about the centroid. The square
 *   looks the same every π/2 and the ellipse every π, so for them rotation is only identifiable
 *   modulo that period; the heart has none.
 * - x, y: the shape's area centroid in pixel-index units (pixel i has its center at i), i.e.
 *   what the intensity-weighted centroid of the image measures. Uniform over a range that is the
 *   same for every shape, scale and rotation (factors are independent) and keeps a 1 px border.
 * Deterministic for a seed (core/engine/rng). Pixels are 1 inside, -1 outside, coverage between.
 */
export function makeShapes(opts: ShapesOptions): ImageSet {
  const { size, count, seed } = opts;
  if (size !== 32 && size !== 64) throw new Error(`shapes size must be 32 or 64, got ${size}`);
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`shapes count must be a non-negative integer, got ${count}`);
  const rng = new Rng(seed);
  const geo = heartGeometry();
  const baseR = SHAPE_BASE_RADIUS * size;
  // Continuous centroid coordinate c (pixel i spans [i, i+1)) stays within [baseR + 1, size - 1 - baseR].
  const lo = baseR + 1;
  const hi = size - 1 - baseR;
  const per = size * size;
  const images = new Float32Array(count * per).fill(-1); // [N, size, size, 1]
  const labels = new Int32Array(count);
  const nf = SHAPE_FACTOR_NAMES.length;
  const values = new Float32Array(count * nf); // [N, 5]
  for (let n = 0; n < count; n++) {
    const shape = rng.int(3);
    const scale = SHAPE_SCALE_RANGE[0] + (SHAPE_SCALE_RANGE[1] - SHAPE_SCALE_RANGE[0]) * rng.uniform();
    const rotation = 2 * Math.PI * rng.uniform();
    const cx = lo + (hi - lo) * rng.uniform();
    const cy = lo + (hi - lo) * rng.uniform();
    drawShape(images.subarray(n * per, (n + 1) * per), size, shape, scale * baseR, rotation, cx, cy, geo);
    labels[n] = shape;
    values.set([shape, scale, rotation, cx - 0.5, cy - 0.5], n * nf);
  }
  return {
    name: 'shapes',
    height: size,
    width: size,
    channels: 1,
    count,
    images,
    labels,
    classNames: [...SHAPE_NAMES],
    factors: { names: [...SHAPE_FACTOR_NAMES], values },
  };
}

/**
 * Inside tests in local units: centroid at the origin, bounding radius 1, v pointing down.
 * The heart is the classic (X² + Y² − 1)³ ≤ X² Y³ (Y up), shifted so its area centroid is
 * the origin and scaled so its farthest point is at radius 1.
 */
interface HeartGeometry {
  yc: number; // centroid Y in heart coordinates
  r: number; // max distance from the centroid in heart coordinates
}

const SQUARE_HALF = Math.SQRT1_2; // corners on the unit circle
const ELLIPSE_MINOR = 0.5;

function insideHeartXY(x: number, y: number): boolean {
  const a = x * x + y * y - 1;
  return a * a * a <= x * x * y * y * y;
}

let heart: HeartGeometry | undefined;

/** Centroid and radius measured once on a fine grid (error ~0.003 in heart units). */
function heartGeometry(): HeartGeometry {
  if (heart) return heart;
  const N = 600;
  const ext = 1.5; // the heart lies within |X| < 1.2, -1 < Y < 1.3
  const step = (2 * ext) / N;
  let area = 0;
  let sy = 0;
  for (let j = 0; j < N; j++) {
    const y = -ext + (j + 0.5) * step;
    for (let i = 0; i < N; i++) {
      const x = -ext + (i + 0.5) * step;
      if (insideHeartXY(x, y)) {
        area++;
        sy += y;
      }
    }
  }
  const yc = sy / area;
  let r = 0;
  for (let j = 0; j < N; j++) {
    const y = -ext + (j + 0.5) * step;
    for (let i = 0; i < N; i++) {
      const x = -ext + (i + 0.5) * step;
      if (insideHeartXY(x, y)) r = Math.max(r, Math.hypot(x, y - yc));
    }
  }
  heart = { yc, r: r + step };
  return heart;
}

function insideAt(shape: number, u: number, v: number, geo: HeartGeometry): boolean {
  if (shape === 0) return Math.abs(u) <= SQUARE_HALF && Math.abs(v) <= SQUARE_HALF;
  if (shape === 1) return u * u + (v * v) / (ELLIPSE_MINOR * ELLIPSE_MINOR) <= 1;
  return u * u + v * v <= 1 && insideHeartXY(u * geo.r, geo.yc - v * geo.r);
}

function drawShape(
  out: Float32Array, // [size, size]
  size: number,
  shape: number,
  radius: number,
  rotation: number,
  cx: number,
  cy: number,
  geo: HeartGeometry,
): void {
  const convex = shape !== 2;
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  const inv = 1 / radius;
  // Inverse of a counter-clockwise (on screen, y down) rotation, into local units.
  const at = (dx: number, dy: number) =>
    insideAt(shape, (dx * cos - dy * sin) * inv, (dx * sin + dy * cos) * inv, geo);
  const x0 = Math.max(0, Math.floor(cx - radius) - 1);
  const x1 = Math.min(size - 1, Math.ceil(cx + radius) + 1);
  const y0 = Math.max(0, Math.floor(cy - radius) - 1);
  const y1 = Math.min(size - 1, Math.ceil(cy + radius) + 1);
  const S = SUPERSAMPLE;
  const w = 2 / (S * S);
  const reach = radius + Math.SQRT1_2; // a pixel whose center is farther cannot touch the shape
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      const ex = px + 0.5 - cx;
      const ey = py + 0.5 - cy;
      if (ex * ex + ey * ey > reach * reach) continue;
      // A convex shape containing all four corners contains the whole pixel.
      if (
        convex &&
        at(ex - 0.5, ey - 0.5) &&
        at(ex + 0.5, ey - 0.5) &&
        at(ex - 0.5, ey + 0.5) &&
        at(ex + 0.5, ey + 0.5)
      ) {
        out[py * size + px] = 1;
        continue;
      }
      let hits = 0;
      for (let j = 0; j < S; j++) {
        const dy = py + (j + 0.5) / S - cy;
        for (let i = 0; i < S; i++) {
          const dx = px + (i + 0.5) / S - cx;
          if (at(dx, dy)) hits++;
        }
      }
      if (hits > 0) out[py * size + px] = -1 + hits * w;
    }
  }
}
