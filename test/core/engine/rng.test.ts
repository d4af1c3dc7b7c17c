import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';

describe('Rng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('continues exactly from a saved state', () => {
    const a = new Rng(3);
    for (let i = 0; i < 11; i++) a.uniform();
    const saved = a.getState();
    const next = Array.from({ length: 10 }, () => a.uniform());
    const b = new Rng(0);
    b.setState(saved);
    expect(Array.from({ length: 10 }, () => b.uniform())).toEqual(next);
  });

  it('draws standard normals with mean 0 and variance 1', () => {
    const x = new Rng(1).fillNormal(new Float32Array(200_001));
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
    expect(x.every(Number.isFinite)).toBe(true);
  });

  it('draws integers uniformly in [0, n) and permutations of every index', () => {
    const rng = new Rng(5);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 50_000; i++) counts[rng.int(5)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect(Array.from(rng.permutation(50)).sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
  });

  it('refuses a malformed state', () => {
    expect(() => new Rng(1).setState([1, 2, 3] as never)).toThrow(/four uint32/);
  });
});
