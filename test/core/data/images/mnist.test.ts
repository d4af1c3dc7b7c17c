import { describe, expect, it } from 'vitest';
import { loadMnist, MNIST_CLASS_NAMES } from '../../../../core/data/images/mnist';

function classCounts(labels: Int32Array): number[] {
  const counts = new Array(10).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

describe('loadMnist', () => {
  it('splits 10,000 digits into a fixed 8,000 / 2,000 with every class in both', () => {
    const train = loadMnist({ split: 'train' });
    const test = loadMnist({ split: 'test' });
    const all = loadMnist({ split: 'all' });
    expect([train.count, test.count, all.count]).toEqual([8000, 2000, 10000]);
    for (const set of [train, test, all]) {
      expect(set.labels).toBeDefined();
      expect(set.labels!.length).toBe(set.count);
      for (const l of set.labels!) expect(l >= 0 && l <= 9).toBe(true);
      expect(classCounts(set.labels!).every((c) => c > 0)).toBe(true);
      expect(set.classNames).toEqual(MNIST_CLASS_NAMES);
      expect(set.channels).toBe(1);
    }
    // Stratified: each class is ~20% test.
    const trainCounts = classCounts(train.labels!);
    const testCounts = classCounts(test.labels!);
    for (let d = 0; d < 10; d++) {
      expect(testCounts[d] / (trainCounts[d] + testCounts[d])).toBeCloseTo(0.2, 2);
    }
    // Round-robin order: any prefix is class-balanced.
    expect(Array.from(train.labels!.slice(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps train and test disjoint and together equal to all', () => {
    const train = loadMnist({ split: 'train' });
    const test = loadMnist({ split: 'test' });
    const all = loadMnist({ split: 'all' });
    const key = (set: typeof train, n: number) =>
      Buffer.from(set.images.buffer, n * 784 * 4, 784 * 4).toString('base64');
    const allKeys = new Map<string, number>();
    for (let n = 0; n < all.count; n++) allKeys.set(key(all, n), (allKeys.get(key(all, n)) ?? 0) + 1);
    const trainKeys = new Set(Array.from({ length: train.count }, (_, n) => key(train, n)));
    let overlap = 0;
    for (let n = 0; n < test.count; n++) if (trainKeys.has(key(test, n))) overlap++;
    // The package itself may contain a few exact duplicate digits; only those may collide.
    const duplicates = [...allKeys.values()].filter((c) => c > 1).length;
    expect(overlap).toBeLessThanOrEqual(duplicates);
    const union = [
      ...Array.from({ length: train.count }, (_, n) => key(train, n)),
      ...Array.from({ length: test.count }, (_, n) => key(test, n)),
    ].sort();
    const everything = Array.from({ length: all.count }, (_, n) => key(all, n)).sort();
    expect(union).toEqual(everything);
  });

  it('holds values in [-1, 1] with a -1 background and real strokes', () => {
    const test = loadMnist({ split: 'test' });
    expect(test.images.length).toBe(2000 * 28 * 28);
    let min = Infinity;
    let max = -Infinity;
    for (const v of test.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(-1);
    expect(max).toBe(1);
    expect(test.images[0]).toBe(-1); // corner is background
  });

  it('pads to 32×32 with background, keeping the 28×28 digit intact', () => {
    const s28 = loadMnist({ split: 'test', size: 28 });
    const s32 = loadMnist({ split: 'test', size: 32 });
    expect([s32.height, s32.width, s32.images.length]).toEqual([32, 32, 2000 * 32 * 32]);
    for (const n of [0, 1999]) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const v = s32.images[n * 1024 + y * 32 + x];
          const inside = y >= 2 && y < 30 && x >= 2 && x < 30;
          expect(v).toBe(inside ? s28.images[n * 784 + (y - 2) * 28 + (x - 2)] : -1);
        }
      }
    }
  });

  it('is deterministic and cached per process', () => {
    const a = loadMnist({ split: 'train' });
    const b = loadMnist({ split: 'train' });
    expect(b).toBe(a);
    expect(loadMnist({ split: 'train', size: 28 })).toBe(a);
  });

  it('rejects unknown sizes and splits', () => {
    expect(() => loadMnist({ split: 'train', size: 64 as 28 })).toThrow(/28 or 32/);
    expect(() => loadMnist({ split: 'val' as 'train' })).toThrow(/split/);
  });
});
