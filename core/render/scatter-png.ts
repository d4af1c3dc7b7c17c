/** A PNG scatter plot of 2D points (and, faintly, the data's mode centres), drawn without a DOM. */
import { PNG } from 'pngjs';

export interface ScatterOptions {
  size?: number;
  /** Half-width of the square shown, in data units. */
  extent: number;
  /** Mode centres [K, 2] to mark. */
  centers?: Float32Array;
}

export function scatterPng(points: Float32Array, options: ScatterOptions): Uint8Array {
  const size = options.size ?? 512;
  const png = new PNG({ width: size, height: size });
  png.data.fill(255);
  const toPixel = (v: number) => Math.round(((v + options.extent) / (2 * options.extent)) * (size - 1));
  const blend = (px: number, py: number, rgb: [number, number, number], alpha: number) => {
    if (px < 0 || py < 0 || px >= size || py >= size) return;
    const i = 4 * (py * size + px);
    for (let c = 0; c < 3; c++) png.data[i + c] = Math.round(png.data[i + c] * (1 - alpha) + rgb[c] * alpha);
  };
  // Axes through the origin, light grey.
  const origin = toPixel(0);
  for (let i = 0; i < size; i++) {
    blend(i, origin, [200, 200, 200], 1);
    blend(origin, i, [200, 200, 200], 1);
  }
  const centers = options.centers ?? new Float32Array();
  for (let k = 0; k < centers.length / 2; k++) {
    const cx = toPixel(centers[2 * k]);
    const cy = size - 1 - toPixel(centers[2 * k + 1]);
    for (let d = -6; d <= 6; d++) {
      blend(cx + d, cy, [230, 120, 60], 0.8);
      blend(cx, cy + d, [230, 120, 60], 0.8);
    }
  }
  for (let i = 0; i < points.length / 2; i++) {
    const px = toPixel(points[2 * i]);
    const py = size - 1 - toPixel(points[2 * i + 1]);
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) blend(px + dx, py + dy, [30, 80, 200], 0.35);
  }
  return PNG.sync.write(png);
}
