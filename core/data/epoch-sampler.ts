/**
 * Walks a finite dataset in shuffled epochs. The cursor (position and the epoch's order) is
 * part of a checkpoint, so a resumed run sees exactly the minibatches it would have seen.
 */
import type { Rng } from '../engine/rng';

export interface EpochCursor {
  index: number;
  order: number[];
}

export class EpochSampler {
  private order: Int32Array | null = null;
  private index = 0;

  constructor(
    readonly count: number,
    private readonly what: string,
  ) {}

  /** The next example's index; a new shuffled epoch starts when the current one is used up. */
  next(rng: Rng): number {
    if (!this.order || this.index >= this.count) {
      this.order = rng.permutation(this.count);
      this.index = 0;
    }
    return this.order[this.index++];
  }

  getCursor(): EpochCursor | null {
    return this.order ? { index: this.index, order: Array.from(this.order) } : null;
  }

  setCursor(cursor: unknown): void {
    const c = cursor as EpochCursor | null;
    if (c === null || c === undefined) {
      this.order = null;
      this.index = 0;
      return;
    }
    if (!Array.isArray(c.order) || c.order.length !== this.count) {
      throw new Error(
        `${this.what} changed since the checkpoint (${this.count} examples now, ${c.order?.length} then)`,
      );
    }
    this.order = Int32Array.from(c.order);
    this.index = c.index;
  }
}
