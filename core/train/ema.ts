/** Exponential moving average of G's weights: smoother samples than the raw G (Yazici et al. 2019). */
import * as tf from '../engine/tf';
import type { Params } from '../models/params';

export class Ema {
  readonly params: Params = {};

  constructor(
    private readonly source: Params,
    private readonly decay: number,
  ) {
    for (const [name, p] of Object.entries(source)) this.params[name] = tf.variable(p.clone(), false);
  }

  update(): void {
    if (this.decay === 0) return;
    tf.tidy(() => {
      for (const [name, e] of Object.entries(this.params)) {
        // e <- e + (1 - decay) (w - e): one fewer multiply than the textbook form
        e.assign(tf.add(e, tf.mul(tf.sub(this.source[name], e), 1 - this.decay)));
      }
    });
  }

  /** With decay 0 the "average" is G itself. */
  get weights(): Params {
    return this.decay === 0 ? this.source : this.params;
  }

  dispose(): void {
    for (const e of Object.values(this.params)) e.dispose();
  }
}
