/**
 * The supervised x-position direction moves the drawn shape's centroid monotonically across the
 * slider's range. A GAN cannot be trained to draw shapes reliably within a test's minute, so the
 * generator here is the DCGAN generator trained by regression to draw a disc whose position
 * follows its latent through a non-linear map: the direction still has to be found from
 * centroids measured on generated images, as for a trained shapes run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import * as tf from '../../../core/engine/tf';
import { applyDirections } from '../../../core/invert/edit';
import { GanModel } from '../../../core/invert/gan-model';
import { imageMoments, supervisedDirection } from '../../../core/invert/supervised';
import { DcganGenerator } from '../../../core/models/dcgan-generator';
import { disposeParams, readParams } from '../../../core/models/params';
import { Adam } from '../../../core/train/adam';
import { useWasm } from '../models/helpers';
import { tinyConfig, tinyState } from './helpers';

const SIZE = 32;
const Z = 4;

/** A soft white disc of radius 4 on black, centred by a non-linear function of z0 (x) and z1 (y). */
function disc(z: Float32Array, n: number, out: Float32Array): void {
  for (let s = 0; s < n; s++) {
    const cx = 15.5 + 7 * Math.tanh(z[s * Z] / 1.5);
    const cy = 15.5 + 7 * Math.tanh(z[s * Z + 1] / 1.5);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const d = Math.hypot(x - cx, y - cy);
        out[(s * SIZE + y) * SIZE + x] = 2 / (1 + Math.exp(-2 * (4 - d))) - 1;
      }
    }
  }
}

let model: GanModel;

beforeAll(async () => {
  await useWasm();
  const overrides = {
    dataset: { name: 'shapes' as const, size: 32, count: 32 },
    generator: { zDim: Z, width: 8 },
  };
  const state = tinyState(overrides);
  const rng = new Rng(1);
  const g = new DcganGenerator(rng, { zDim: Z, shape: { height: SIZE, width: SIZE, channels: 1 }, width: 8 });
  const adam = new Adam(g.params, { lr: 3e-3, beta1: 0.9, beta2: 0.999 });
  const batch = 32;
  const z = new Float32Array(batch * Z);
  const target = new Float32Array(batch * SIZE * SIZE);
  for (let step = 0; step < 600; step++) {
    rng.fillNormal(z);
    disc(z, batch, target);
    tf.tidy(() => {
      const zt = tf.tensor2d(z, [batch, Z]);
      const tt = tf.tensor4d(target, [batch, SIZE, SIZE, 1]);
      const { grads } = tf.variableGrads(
        () => tf.mean(tf.square(tf.sub(g.apply(zt, { training: true }), tt))) as tf.Scalar,
        Object.values(g.params),
      );
      adam.apply(grads);
    });
  }
  // Settle the running statistics the eval-mode generator uses.
  for (let i = 0; i < 30; i++) {
    rng.fillNormal(z);
    tf.tidy(() => {
      g.apply(tf.tensor2d(z, [batch, Z]), { training: true, updateStats: true });
    });
  }
  state.ema = readParams(g.params);
  state.gState = readParams(g.state);
  adam.dispose();
  disposeParams(g.params);
  disposeParams(g.state);
  model = GanModel.fromCheckpoint(1, tinyConfig(overrides), state);
}, 120_000);

describe('supervised position directions', () => {
  it.each([
    ['x', 'x'],
    ['y', 'y'],
  ] as const)('the factor=%s direction moves the centroid monotonically over +/-3 std', (factor, axis) => {
    const dir = supervisedDirection(model, { kind: 'factor', factor }, { samples: 1000 });
    expect(dir.name).toBe(`factor-${factor}`);
    expect(dir.info.accuracy as number).toBeGreaterThan(0.9);
    const start = model.stats().mean;
    const alphas = Array.from({ length: 7 }, (_, i) => (i - 3) * dir.std);
    const latents = new Float32Array(alphas.length * model.layout.total);
    alphas.forEach((alpha, i) => {
      latents.set(applyDirections(start, [{ vector: dir.vector, alpha }]), i * model.layout.total);
    });
    const centroid = imageMoments(model.render(latents), alphas.length, SIZE, SIZE, 1)[axis];
    for (let i = 1; i < alphas.length; i++) expect(centroid[i]).toBeGreaterThan(centroid[i - 1]);
    // Across the slider's range the shape crosses a good part of the image.
    expect(centroid[6] - centroid[0]).toBeGreaterThan(6);
  });
});
