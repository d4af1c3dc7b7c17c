import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../core/engine/backend';
import * as tf from '../../../core/engine/tf';
import { discriminatorLoss, generatorLoss } from '../../../core/losses/adversarial';
import { gradientPenalty, r1Penalty } from '../../../core/losses/penalties';

beforeAll(async () => {
  await initBackend('wasm');
});

const sp = (x: number) => Math.log1p(Math.exp(x));

describe('adversarial losses', () => {
  it('match their formulas', () => {
    const real = tf.tensor2d([[2], [-1]]);
    const fake = tf.tensor2d([[0.5], [-3]]);
    const v = (t: tf.Scalar) => t.dataSync()[0];
    expect(v(discriminatorLoss('ns', real, fake))).toBeCloseTo(
      (sp(-2) + sp(1)) / 2 + (sp(0.5) + sp(-3)) / 2,
      5,
    );
    expect(v(generatorLoss('ns', fake))).toBeCloseTo((sp(-0.5) + sp(3)) / 2, 5);
    expect(v(discriminatorLoss('hinge', real, fake))).toBeCloseTo((0 + 2) / 2 + (1.5 + 0) / 2, 5);
    expect(v(generatorLoss('hinge', fake))).toBeCloseTo(1.25, 5);
    expect(v(discriminatorLoss('lsgan', real, fake))).toBeCloseTo(0.5 * ((1 + 4) / 2 + (0.25 + 9) / 2), 5);
    expect(v(generatorLoss('lsgan', fake))).toBeCloseTo(0.5 * ((0.25 + 16) / 2), 5);
    expect(v(discriminatorLoss('wgan-gp', real, fake))).toBeCloseTo(-1.25 - 0.5, 5);
    expect(v(generatorLoss('wgan-gp', fake))).toBeCloseTo(1.25, 5);
  });
});

describe('gradient penalties', () => {
  it('R1 of a linear D(x) = x.w is gamma/2 |w|^2, and its gradient in w is gamma w (second order)', () => {
    const w = tf.variable(tf.tensor2d([[3], [-4]]));
    const d = (x: tf.Tensor2D) => tf.matMul(x, w);
    const x = tf.tensor2d([
      [1, 2],
      [0.5, -1],
      [7, 0],
    ]);
    expect(r1Penalty(d, x, 2).dataSync()[0]).toBeCloseTo(25, 4);
    const { grads } = tf.variableGrads(() => r1Penalty(d, x, 2), [w]);
    expect(Array.from(grads[w.name].dataSync())).toEqual([expect.closeTo(6, 4), expect.closeTo(-8, 4)]);
  });

  it('WGAN-GP is zero for a D with unit gradient norm and lambda (|w| - 1)^2 otherwise', () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const y = tf.tensor2d([
      [0, 0],
      [1, 1],
    ]);
    const mix = tf.tensor2d([[0.3], [0.9]]);
    const unit = (v: tf.Tensor2D) => tf.matMul(v, tf.tensor2d([[0.6], [0.8]]));
    const double = (v: tf.Tensor2D) => tf.matMul(v, tf.tensor2d([[1.2], [1.6]]));
    expect(gradientPenalty(unit, x, y, mix, 10).dataSync()[0]).toBeCloseTo(0, 4);
    expect(gradientPenalty(double, x, y, mix, 10).dataSync()[0]).toBeCloseTo(10, 3);
  });
});
