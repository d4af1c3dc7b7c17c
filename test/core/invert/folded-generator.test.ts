import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';
import { FoldedGenerator } from '../../../core/invert/folded-generator';
import { DcganGenerator } from '../../../core/models/dcgan-generator';
import { disposeParams } from '../../../core/models/params';
import { liveCounts, maxAbsDiff, useWasm } from '../models/helpers';

beforeAll(useWasm);

describe('FoldedGenerator', () => {
  it.each([
    ['28x28 gray, relu', { height: 28, width: 28, channels: 1 } as const, 'relu' as const],
    ['64x64 RGB, leaky', { height: 64, width: 64, channels: 3 } as const, 'leaky-relu' as const],
  ])(
    'equals the eval-mode generator (%s) with class and code rows folded into one input',
    (_, shape, activation) => {
      const rng = new Rng(5);
      const g = new DcganGenerator(rng, {
        zDim: 6,
        shape,
        width: 4,
        numClasses: 3,
        infoCategorical: 2,
        infoContinuous: 1,
        activation,
      });
      // Move the running statistics away from (0, 1) so the folding has something to fold.
      tf.tidy(() => {
        const z = tf.randomNormal([16, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
        const labels = tf.tensor1d(
          Int32Array.from({ length: 16 }, (_, i) => i % 3),
          'int32',
        );
        const codes = tf.tensor2d(
          Float32Array.from({ length: 48 }, (_, i) => (i % 3 === 2 ? 0.3 : i % 3)),
          [16, 3],
        );
        for (let i = 0; i < 5; i++) g.apply(z, { labels, codes, training: true });
      });
      const folded = new FoldedGenerator(g);
      expect(folded.inDim).toBe(6 + 3 + 3);
      const compare = () =>
        tf.tidy(() => {
          const z = tf.randomNormal([4, 6], 0, 1, 'float32', 2) as tf.Tensor2D;
          const labels = tf.tensor1d([0, 1, 2, 1], 'int32');
          const codes = tf.tensor2d([1, 0, 0.5, 0, 1, -0.5, 1, 0, 0, 0, 1, 0.9], [4, 3]);
          const expected = g.apply(z, { labels, codes, training: false });
          const u = tf.concat([z, tf.oneHot(labels, 3).toFloat(), codes], 1) as tf.Tensor2D;
          return maxAbsDiff(expected, folded.synthesize(u));
        });
      expect(compare()).toBeLessThan(1e-5);
      // Measured after a first call: the wasm kernels cache repacked filters per weight buffer.
      const before = liveCounts();
      compare();
      expect(liveCounts()).toEqual(before);
      folded.dispose();
      disposeParams(g.params);
      disposeParams(g.state);
    },
  );
});
