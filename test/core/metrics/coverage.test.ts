import { describe, expect, it } from 'vitest';
import { classCoverage, labelHistogram } from '../../../core/metrics/coverage';

function oneHot(classes: number[], k: number): Float32Array {
  const p = new Float32Array(classes.length * k);
  classes.forEach((c, i) => {
    p[i * k + c] = 1;
  });
  return p;
}

describe('class coverage', () => {
  it('confident predictions spread evenly: every class covered, KL 0, IS = K', () => {
    const c = classCoverage(
      oneHot(
        Array.from({ length: 100 }, (_, i) => i % 10),
        10,
      ),
      10,
    );
    expect(c.coveredClasses).toBe(10);
    expect(c.coverage).toBe(1);
    expect(c.classKl).toBeCloseTo(0, 12);
    expect(c.inceptionScore).toBeCloseTo(10, 10);
    expect(c.minFraction).toBeCloseTo(0.01, 12);
  });

  it('collapse onto one class: coverage 1/K, KL = log K against uniform, IS = 1', () => {
    const c = classCoverage(oneHot(new Array(50).fill(3), 10), 10);
    expect(c.coveredClasses).toBe(1);
    expect(c.coverage).toBeCloseTo(0.1, 12);
    expect(c.classKl).toBeCloseTo(Math.log(10), 12);
    expect(c.inceptionScore).toBeCloseTo(1, 12);
    expect(c.predictedHistogram[3]).toBe(1);
  });

  it('maximally unsure predictions give IS = 1 even though argmax spreads', () => {
    const c = classCoverage(new Float32Array(40 * 4).fill(0.25), 4);
    expect(c.inceptionScore).toBeCloseTo(1, 12);
  });

  it('IS for two confident classes out of four is 2; KL uses the given reference', () => {
    const probs = oneHot([0, 1, 0, 1], 4);
    const c = classCoverage(probs, 4, { reference: [1, 1, 2, 0] });
    expect(c.inceptionScore).toBeCloseTo(2, 12);
    // KL((.5,.5,0,0) || (.25,.25,.5,0)) = log 2
    expect(c.classKl).toBeCloseTo(Math.log(2), 12);
    expect(c.coveredClasses).toBe(2);
  });

  it('a class below minFraction does not count as covered', () => {
    const classes = [...new Array(99).fill(0), 1];
    expect(classCoverage(oneHot(classes, 10), 10).coveredClasses).toBe(2); // 1% >= 0.1 / 10
    expect(classCoverage(oneHot(classes, 10), 10, { minFraction: 0.05 }).coveredClasses).toBe(1);
  });

  it('label histograms and input checks', () => {
    expect(labelHistogram([0, 0, 2, 1], 4)).toEqual([0.5, 0.25, 0.25, 0]);
    expect(() => labelHistogram([4], 4)).toThrow(/outside/);
    expect(() => classCoverage(new Float32Array(7), 2)).toThrow(/rows of 2/);
    expect(() => classCoverage(new Float32Array(4), 2, { reference: [1, 1, 1] })).toThrow(/3 classes/);
  });
});
