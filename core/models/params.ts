/**
 * A network's weights: named tf.Variables in a fixed order, so checkpoints, optimizers and
 * the EMA of G can address them by name.
 */

import type { Rng } from '../engine/rng';
import * as tf from '../engine/tf';

export type Params = Record<string, tf.Variable>;

/** A dense layer's initial weights as PyTorch's nn.Linear draws them: U(-1/sqrt(in), 1/sqrt(in)). */
export function denseInit(rng: Rng, inDim: number, outDim: number): { w: Float32Array; b: Float32Array } {
  const bound = 1 / Math.sqrt(inDim);
  return {
    w: rng.fillUniform(new Float32Array(inDim * outDim), -bound, bound),
    b: rng.fillUniform(new Float32Array(outDim), -bound, bound),
  };
}

/**
 * A variable holding `make()`'s value. tf.variable keeps its initial tensor alive as a separate
 * tensor, so the initial value is created and released inside a tidy.
 */
export function newVariable(make: () => tf.Tensor, trainable = true): tf.Variable {
  return tf.tidy(() => tf.variable(make(), trainable, undefined, 'float32'));
}

export function addDense(params: Params, rng: Rng, name: string, inDim: number, outDim: number): void {
  const { w, b } = denseInit(rng, inDim, outDim);
  params[`${name}.w`] = newVariable(() => tf.tensor2d(w, [inDim, outDim]));
  params[`${name}.b`] = newVariable(() => tf.tensor1d(b));
}

/** x W + b for the dense layer `name` (fused into one kernel where the backend has it). */
export function dense(params: Record<string, tf.Tensor>, name: string, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, params[`${name}.w`] as tf.Tensor2D), params[`${name}.b`]);
}

export function disposeParams(params: Params): void {
  for (const v of Object.values(params)) v.dispose();
}

/** Host copies of every weight, by name (reads back from the backend: only at checkpoints). */
export function readParams(params: Params): Record<string, { shape: number[]; data: Float32Array }> {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, v] of Object.entries(params))
    out[name] = { shape: v.shape, data: v.dataSync() as Float32Array };
  return out;
}

/** Loads weights saved by readParams; every name and shape must match. */
export function writeParams(
  params: Params,
  saved: Record<string, { shape: number[]; data: Float32Array }>,
): void {
  const names = Object.keys(params);
  const missing = names.filter((n) => !(n in saved));
  const extra = Object.keys(saved).filter((n) => !(n in params));
  if (missing.length || extra.length) {
    throw new Error(
      `checkpoint weights do not match the model (missing: ${missing.join(', ') || 'none'}; unexpected: ${extra.join(', ') || 'none'})`,
    );
  }
  for (const name of names) {
    const v = params[name];
    const s = saved[name];
    if (s.shape.join('x') !== v.shape.join('x')) {
      throw new Error(`checkpoint weight ${name} has shape [${s.shape}], the model expects [${v.shape}]`);
    }
    tf.tidy(() => v.assign(tf.tensor(s.data, v.shape, 'float32')));
  }
}
