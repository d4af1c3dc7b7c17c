import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';
import { dcganBenchNets } from '../../../core/models/dcgan-bench';
import { disposeParams } from '../../../core/models/params';
import { l2, liveCounts, useWasm } from './helpers';

beforeAll(useWasm);

describe('dcganBenchNets', () => {
  it('is the fixed 28x28 pair: G 64 -> 7x7x64 -> 14x14x32 -> 28x28x1, D 28 -> 14x14x32 -> 7x7x64 -> 1', () => {
    const nets = dcganBenchNets(new Rng(1));
    const shapes = (p: Record<string, tf.Tensor>) =>
      Object.fromEntries(Object.entries(p).map(([n, v]) => [n, v.shape]));
    expect(shapes(nets.gParams)).toEqual({
      'fc.w': [64, 3136],
      'fc.b': [3136],
      'up1.w': [4, 4, 32, 64],
      'up1.b': [32],
      'out.w': [4, 4, 1, 32],
      'out.b': [1],
    });
    expect(shapes(nets.dParams)).toEqual({
      'conv0.w': [4, 4, 1, 32],
      'conv0.b': [32],
      'conv1.w': [4, 4, 32, 64],
      'conv1.b': [64],
      'out.w': [3136, 1],
      'out.b': [1],
    });
    disposeParams(nets.gParams);
    disposeParams(nets.dParams);
  });

  it('runs a non-saturating G step through D with gradients for every G weight and no leaks', () => {
    const nets = dcganBenchNets(new Rng(2));
    const step = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const x = nets.generate(nets.gParams, tf.randomNormal([2, 64]) as tf.Tensor2D);
          expect(x.shape).toEqual([2, 28, 28, 1]);
          return tf.mean(tf.softplus(tf.neg(nets.discriminate(nets.dParams, x)))) as tf.Scalar;
        }, Object.values(nets.gParams));
        for (const [name, v] of Object.entries(nets.gParams))
          expect(l2(grads[v.name]), name).toBeGreaterThan(0);
      });
    step();
    const before = liveCounts();
    step();
    expect(liveCounts()).toEqual(before);
    disposeParams(nets.gParams);
    disposeParams(nets.dParams);
  });
});
