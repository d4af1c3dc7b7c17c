/**
 * Adam (Kingma & Ba) with PyTorch's update rule, written out so that its whole state (moments
 * and step count) can be saved in a checkpoint synchronously and restored exactly.
 */
import * as tf from '../engine/tf';
import type { Params } from '../models/params';

export interface AdamSettings {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon?: number;
}

export interface AdamState {
  step: number;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

export class Adam {
  step = 0;
  private readonly m: Record<string, tf.Variable> = {};
  private readonly v: Record<string, tf.Variable> = {};
  private readonly epsilon: number;

  constructor(
    private readonly params: Params,
    private readonly settings: AdamSettings,
  ) {
    this.epsilon = settings.epsilon ?? 1e-8;
    for (const [name, p] of Object.entries(params)) {
      this.m[name] = tf.variable(tf.zerosLike(p), false);
      this.v[name] = tf.variable(tf.zerosLike(p), false);
    }
  }

  /** One update from gradients keyed by tf.Variable name, as tf.variableGrads returns them. */
  apply(grads: Record<string, tf.Tensor>): void {
    this.step += 1;
    const { lr, beta1, beta2 } = this.settings;
    const stepSize = lr / (1 - beta1 ** this.step);
    const sqrtBias2 = Math.sqrt(1 - beta2 ** this.step);
    tf.tidy(() => {
      for (const [name, param] of Object.entries(this.params)) {
        const g = grads[param.name];
        if (!g) continue;
        const m = this.m[name];
        const v = this.v[name];
        const mNew = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(mNew);
        v.assign(vNew);
        const denom = tf.add(tf.div(tf.sqrt(vNew), sqrtBias2), this.epsilon);
        param.assign(tf.sub(param, tf.mul(tf.div(mNew, denom), stepSize)));
      }
    });
  }

  getState(): AdamState {
    const m: Record<string, Float32Array> = {};
    const v: Record<string, Float32Array> = {};
    for (const name of Object.keys(this.m)) {
      m[name] = this.m[name].dataSync() as Float32Array;
      v[name] = this.v[name].dataSync() as Float32Array;
    }
    return { step: this.step, m, v };
  }

  setState(state: AdamState): void {
    for (const name of Object.keys(this.m)) {
      if (!state.m[name] || !state.v[name]) throw new Error(`checkpoint optimizer state lacks ${name}`);
      const shape = this.m[name].shape;
      tf.tidy(() => {
        this.m[name].assign(tf.tensor(state.m[name], shape));
        this.v[name].assign(tf.tensor(state.v[name], shape));
      });
    }
    this.step = state.step;
  }

  dispose(): void {
    for (const x of [...Object.values(this.m), ...Object.values(this.v)]) x.dispose();
  }
}
