import { describe, expect, it } from 'vitest';
import { makeShapes, SHAPE_FACTOR_NAMES, SHAPE_NAMES } from '../../../../core/data/images/shapes';

function centroid(img: Float32Array, size: number): { x: number; y: number; mass: number } {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const w = (img[y * size + x] + 1) / 2; // intensity in [0, 1], background 0
      mass += w;
      sx += w * x;
      sy += w * y;
    }
  }
  return { x: sx / mass, y: sy / mass, mass };
}

describe('makeShapes', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = makeShapes({ size: 32, count: 50, seed: 7 });
    const b = makeShapes({ size: 32, count: 50, seed: 7 });
    const c = makeShapes({ size: 32, count: 50, seed: 8 });
    expect(b.images).toEqual(a.images);
    expect(b.factors).toEqual(a.factors);
    expect(c.images).not.toEqual(a.images);
  });

  it('has the layout, labels and factor ranges it documents', () => {
    const size = 64;
    const count = 600;
    const set = makeShapes({ size, count, seed: 1 });
    expect([set.name, set.count, set.height, set.width, set.channels]).toEqual([
      'shapes',
      count,
      size,
      size,
      1,
    ]);
    expect(set.images.length).toBe(count * size * size);
    expect(set.classNames).toEqual(SHAPE_NAMES);
    expect(set.factors!.names).toEqual(SHAPE_FACTOR_NAMES);
    const f = set.factors!.values; // [N, 5]
    expect(f.length).toBe(count * 5);
    const seen = new Set<number>();
    for (let n = 0; n < count; n++) {
      const [shape, scale, rotation, x, y] = f.subarray(n * 5, n * 5 + 5);
      expect(set.labels![n]).toBe(shape);
      seen.add(shape);
      expect(scale).toBeGreaterThanOrEqual(0.5);
      expect(scale).toBeLessThanOrEqual(1);
      expect(rotation).toBeGreaterThanOrEqual(0);
      expect(rotation).toBeLessThan(2 * Math.PI + 1e-6);
      for (const p of [x, y]) {
        expect(p).toBeGreaterThan(0.28 * size);
        expect(p).toBeLessThan(size - 1 - 0.28 * size);
      }
    }
    expect([...seen].sort()).toEqual([0, 1, 2]);
    let min = Infinity;
    let max = -Infinity;
    for (const v of set.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect([min, max]).toEqual([-1, 1]);
  });

  it('anti-aliases edges (intermediate values exist)', () => {
    const set = makeShapes({ size: 32, count: 10, seed: 3 });
    const partial = set.images.filter((v) => v > -1 && v < 1).length;
    expect(partial).toBeGreaterThan(10 * 8);
  });

  it('draws each shape with its intensity-weighted centroid at the x, y factors', () => {
    for (const size of [32, 64] as const) {
      const set = makeShapes({ size, count: 300, seed: 11 });
      const per = size * size;
      let worst = 0;
      for (let n = 0; n < set.count; n++) {
        const c = centroid(set.images.subarray(n * per, (n + 1) * per), size);
        const fx = set.factors!.values[n * 5 + 3];
        const fy = set.factors!.values[n * 5 + 4];
        worst = Math.max(worst, Math.abs(c.x - fx), Math.abs(c.y - fy));
        // Nothing touches the border: the position range keeps the shape inside.
        const img = set.images.subarray(n * per, (n + 1) * per);
        for (let i = 0; i < size; i++) {
          expect(img[i]).toBe(-1);
          expect(img[(size - 1) * size + i]).toBe(-1);
          expect(img[i * size]).toBe(-1);
          expect(img[i * size + size - 1]).toBe(-1);
        }
      }
      expect(worst).toBeLessThan(0.25);
    }
  });

  it('moves the drawn shape with the x factor (a clean direction for edit tests)', () => {
    const set = makeShapes({ size: 32, count: 200, seed: 5 });
    // Rank correlation proxy: images with larger x factor have larger measured centroids.
    const xs: [number, number][] = [];
    for (let n = 0; n < set.count; n++) {
      xs.push([
        set.factors!.values[n * 5 + 3],
        centroid(set.images.subarray(n * 1024, (n + 1) * 1024), 32).x,
      ]);
    }
    xs.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < xs.length; i++) expect(xs[i][1]).toBeGreaterThan(xs[i - 1][1] - 0.5);
  });

  it('rejects unsupported sizes and counts', () => {
    expect(() => makeShapes({ size: 48 as 32, count: 1, seed: 1 })).toThrow(/32 or 64/);
    expect(() => makeShapes({ size: 32, count: -1, seed: 1 })).toThrow(/count/);
  });
});
