/**
 * Exponential moving average of G's weights (smoother samples than the raw G; Yazici et al.
 * 2019), kept as one flat vector updated from the optimizer's flat result.
 */
import * as tf from '../engine/tf';
import { newVariable, type Params } from '../models/params';
import type { FlatLayout } from './flat-layout';

export class Ema {
  private readonly average: tf.Variable;

  constructor(
    private readonly source: Params,
    private readonly layout: FlatLayout,
    private readonly decay: number,
  ) {
    this.average = newVariable(() => layout.flatten(source), false);
  }

  /** average <- average + (1 - decay) (w - average), from G's new weights as one vector. */
  update(flatWeights: tf.Tensor1D): void {
    if (this.decay === 0) return;
    this.average.assign(tf.add(this.average, tf.mul(tf.sub(flatWeights, this.average), 1 - this.decay)));
  }

  /** The averaged weights by name (G itself when decay is 0); call inside tf.tidy. */
  weights(): Record<string, tf.Tensor> {
    return this.decay === 0 ? this.source : this.layout.unflatten(this.average as tf.Tensor1D);
  }

  read(): Record<string, { shape: number[]; data: Float32Array }> {
    const flat = (
      this.decay === 0 ? tf.tidy(() => this.layout.flatten(this.source)) : this.average
    ).dataSync();
    const parts = this.layout.splitHost(flat as Float32Array);
    return Object.fromEntries(
      this.layout.names.map((n, i) => [n, { shape: this.layout.shapes[i], data: parts[n] }]),
    );
  }

  write(saved: Record<string, { shape: number[]; data: Float32Array }>): void {
    const flat = this.layout.joinHost(
      Object.fromEntries(Object.entries(saved).map(([n, s]) => [n, s.data])),
      'checkpoint EMA weights',
    );
    tf.tidy(() => this.average.assign(tf.tensor1d(flat)));
  }

  dispose(): void {
    this.average.dispose();
  }
}
