import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';
import { MlpDiscriminator, MlpGenerator } from '../../../core/models/mlp';
import { disposeParams } from '../../../core/models/params';
import { embeddingOf, liveCounts, useWasm } from './helpers';

beforeAll(useWasm);

function randomMatrix(seed: number, rows: number, cols: number): tf.Tensor2D {
  return tf.tensor2d(new Rng(seed).fillNormal(new Float32Array(rows * cols)), [rows, cols]);
}

/** Host copies of tensors by key, for exact comparison. */
function values(byKey: Record<string, tf.Tensor>): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(byKey).map(([k, t]) => [k, Array.from(t.dataSync() as Float32Array)]),
  );
}

describe('MLP hand-written backward passes equal the autodiff tape bit for bit', () => {
  for (const depth of [1, 2, 3]) {
    it(`G at depth ${depth}: weight gradients of sum(G(z) * dOut)`, () => {
      const g = new MlpGenerator(new Rng(1), 3, 24, depth, 2);
      const z = randomMatrix(2, 40, 3);
      const dOut = randomMatrix(3, 40, 2);
      const variables = Object.values(g.params);
      const tape = tf.tidy(() =>
        values(tf.variableGrads(() => tf.sum(tf.mul(g.apply(z), dOut)), variables).grads),
      );
      const [tensorsBefore, buffersBefore] = liveCounts();
      const traced = tf.tidy(() => {
        const pass = g.traced(z);
        const result = pass.backward(dOut, { weights: true, input: false });
        expect(result.inputGrad).toBeNull();
        return values(result.weightGrads);
      });
      expect(liveCounts()).toEqual([tensorsBefore, buffersBefore]);
      expect(Object.keys(traced).sort()).toEqual(variables.map((v) => v.name).sort());
      expect(traced).toEqual(tape);
      disposeParams(g.params);
    });

    it(`D at depth ${depth}: weight and input gradients of sum(D(y, t) * dOut)`, () => {
      const d = new MlpDiscriminator(new Rng(4), 2, 8, 24, depth);
      const y = randomMatrix(5, 40, 2);
      const emb = embeddingOf(
        Array.from({ length: 40 }, (_, i) => (i * 7) % 50),
        8,
      );
      const dOut = randomMatrix(6, 40, 1);
      const variables = Object.values(d.params);
      const tape = tf.tidy(() => {
        const f = () => tf.sum(tf.mul(d.apply(y, emb), dOut)) as tf.Scalar;
        const weights = values(tf.variableGrads(f, variables).grads);
        const input = values({
          y: tf.grad((x: tf.Tensor) => tf.sum(tf.mul(d.apply(x as tf.Tensor2D, emb), dOut)))(y),
        });
        return { weights, input };
      });
      const traced = tf.tidy(() => {
        const result = d.traced(y, emb).backward(dOut, { weights: true, input: true });
        return { weights: values(result.weightGrads), input: values({ y: result.inputGrad as tf.Tensor }) };
      });
      expect(traced).toEqual(tape);
      // Input only: no weight gradients are computed.
      const inputOnly = tf.tidy(() => {
        const result = d.traced(y, emb).backward(dOut, { weights: false, input: true });
        expect(result.weightGrads).toEqual({});
        return values({ y: result.inputGrad as tf.Tensor });
      });
      expect(inputOnly).toEqual(tape.input);
      disposeParams(d.params);
    });
  }

  it('the traced forward pass gives the same output as apply', () => {
    const d = new MlpDiscriminator(new Rng(7), 2, 4, 16, 2);
    const y = randomMatrix(8, 10, 2);
    const emb = embeddingOf([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4);
    const [a, b] = tf.tidy(() => [d.apply(y, emb).dataSync(), d.traced(y, emb).output.dataSync()]);
    expect(Array.from(b)).toEqual(Array.from(a));
    disposeParams(d.params);
  });
});
