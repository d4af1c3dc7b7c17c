/**
 * Adam (Kingma & Ba) with PyTorch's update rule, on the network's parameters laid out as one
 * vector (see flat-layout.ts). Its whole state (moments and step count) is saved by parameter
 * name in checkpoints and restored exactly.
 */
import * as tf from '../engine/tf';
import { newVariable, type Params } from '../models/params';
import { FlatLayout } from './flat-layout';

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
  readonly layout: FlatLayout;
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  private readonly epsilon: number;

  constructor(
    private readonly params: Params,
    private readonly settings: AdamSettings,
  ) {
    this.epsilon = settings.epsilon ?? 1e-8;
    this.layout = FlatLayout.of(params);
    this.m = newVariable(() => tf.zeros([this.layout.total]), false);
    this.v = newVariable(() => tf.zeros([this.layout.total]), false);
  }

  /**
   * One update from gradients keyed by tf.Variable name, as tf.variableGrads returns them.
   * Returns the new parameters as one flat vector (for the EMA); call inside tf.tidy.
   */
  apply(grads: Record<string, tf.Tensor>): tf.Tensor1D {
    this.step += 1;
    const { lr, beta1, beta2 } = this.settings;
    const stepSize = lr / (1 - beta1 ** this.step);
    const invSqrtBias2 = 1 / Math.sqrt(1 - beta2 ** this.step);
    const byName: Record<string, tf.Tensor> = {};
    for (const [name, p] of Object.entries(this.params)) {
      const g = grads[p.name];
      if (!g) throw new Error(`no gradient for parameter ${name}`);
      byName[name] = g;
    }
    const g = this.layout.flatten(byName);
    const m = tf.add(tf.mul(this.m, beta1), tf.mul(g, 1 - beta1));
    const v = tf.add(tf.mul(this.v, beta2), tf.mul(tf.square(g), 1 - beta2));
    this.m.assign(m);
    this.v.assign(v);
    const denom = tf.add(tf.mul(tf.sqrt(v), invSqrtBias2), this.epsilon);
    const updated = tf.sub(
      this.layout.flatten(this.params),
      tf.mul(tf.div(m, denom), stepSize),
    ) as tf.Tensor1D;
    const parts = this.layout.unflatten(updated);
    for (const [name, p] of Object.entries(this.params)) p.assign(parts[name]);
    return updated;
  }

  getState(): AdamState {
    return {
      step: this.step,
      m: this.layout.splitHost(this.m.dataSync() as Float32Array),
      v: this.layout.splitHost(this.v.dataSync() as Float32Array),
    };
  }

  setState(state: AdamState): void {
    const m = this.layout.joinHost(state.m, 'checkpoint optimizer state m');
    const v = this.layout.joinHost(state.v, 'checkpoint optimizer state v');
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(m));
      this.v.assign(tf.tensor1d(v));
    });
    this.step = state.step;
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}
