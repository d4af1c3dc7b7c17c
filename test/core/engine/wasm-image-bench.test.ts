import { beforeAll, describe, expect, it } from 'vitest';
import { dcganStepHarness, editHarness, timeDcganStep, timeEdit } from '../../../core/bench/image-bench';
import { initBackend } from '../../../core/engine/backend';
import * as tf from '../../../core/engine/tf';

beforeAll(async () => {
  await initBackend('wasm');
});

// Runs the benchmark workloads on the wasm kernels end to end; no timing assertions.
describe('image benchmark workloads on wasm', () => {
  it('DCGAN steps give finite losses and free every tensor and buffer', () => {
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    const harness = dcganStepHarness(3);
    for (let i = 0; i < 2; i++) {
      const [lossD, lossG] = harness.step();
      expect(Number.isFinite(lossD) && Number.isFinite(lossG)).toBe(true);
    }
    harness.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
    expect(timeDcganStep(1)).toBeGreaterThan(0);
  });

  it('the edit forward is deterministic and in [-1, 1]', () => {
    const buffers = tf.backend().numDataIds();
    const harness = editHarness(4);
    const a = harness.forward();
    const b = harness.forward(); // filters cached by now
    expect(a.length).toBe(64 * 64 * 3);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(a.every((v) => v >= -1 && v <= 1)).toBe(true);
    harness.dispose();
    expect(tf.backend().numDataIds()).toBe(buffers);
    expect(timeEdit(1)).toBeGreaterThan(0);
  });
});
