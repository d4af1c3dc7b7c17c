/**
 * 2D drawing helpers: decode a 'points' sample (little-endian float32 x,y pairs, as the
 * trainer stores them), map D's output to a colour, and draw a scatter on a canvas.
 */
export function decodePoints(base64: string): Float32Array {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
}

/** A symmetric extent that holds most points (robust to a few far outliers). */
export function extentOf(xy: ArrayLike<number>): number {
  const abs: number[] = [];
  for (let i = 0; i < xy.length; i++) if (Number.isFinite(xy[i])) abs.push(Math.abs(xy[i]));
  if (abs.length === 0) return 1;
  abs.sort((a, b) => a - b);
  const q = abs[Math.floor(abs.length * 0.995)] ?? abs[abs.length - 1];
  return Math.max(0.5, Math.ceil(q * 1.1 * 2) / 2);
}

/** D's probability 0 (fake) … 1 (real) as a diverging blue–white–orange colour. */
export function dColour(p: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, Number.isFinite(p) ? p : 0.5));
  const lo: [number, number, number] = [49, 99, 206];
  const mid: [number, number, number] = [245, 245, 245];
  const hi: [number, number, number] = [230, 120, 30];
  const [a, b, t] = v < 0.5 ? [lo, mid, v / 0.5] : [mid, hi, (v - 0.5) / 0.5];
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t)) as [number, number, number];
}

export function drawScatter(
  ctx: CanvasRenderingContext2D,
  xy: ArrayLike<number>,
  extent: number,
  colour: string,
  size = 2,
): void {
  const { width, height } = ctx.canvas;
  ctx.fillStyle = colour;
  for (let i = 0; i + 1 < xy.length; i += 2) {
    const px = ((xy[i] + extent) / (2 * extent)) * width;
    const py = height - ((xy[i + 1] + extent) / (2 * extent)) * height;
    ctx.fillRect(px - size / 2, py - size / 2, size, size);
  }
}
