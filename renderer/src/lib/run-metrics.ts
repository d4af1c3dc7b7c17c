/**
 * A run's metric series kept live: polls `metrics` with `sinceStep` (only new points cross
 * the wire) and appends them to typed-array Series. `sinceStep` is one before the smallest
 * last step over the series held, so a metric written a moment after another at the same
 * step (the evaluation after the log line) is never skipped; repeats are dropped by
 * Series.append.
 * Names that appear later (first evaluation) are fetched whole once.
 */
import type { MetricSeries } from '../../../core/api/contract';
import { Series } from './series';

export type MetricsFetch = (
  sinceStep: number | undefined,
  names: string[] | undefined,
) => Promise<MetricSeries[]>;

export class RunMetrics {
  readonly series = new Map<string, Series>();

  constructor(private readonly fetch: MetricsFetch) {}

  get(name: string): Series {
    let s = this.series.get(name);
    if (!s) {
      s = new Series();
      this.series.set(name, s);
    }
    return s;
  }

  names(): string[] {
    return [...this.series.keys()];
  }

  /**
   * Empties every series in place (a resumed run rewrites rows after its checkpoint); the
   * Series objects stay, since charts hold them.
   */
  clear(): void {
    for (const s of this.series.values()) s.clear();
  }

  /** Fetches new points; returns how many were added. */
  async poll(): Promise<number> {
    const held = [...this.series.values()].filter((s) => s.length > 0);
    // One step back: the newest step may still be gaining metrics (evaluation after logging).
    const since = held.length === 0 ? undefined : Math.min(...held.map((s) => s.lastStep)) - 1;
    const result = await this.fetch(since, undefined);
    let added = 0;
    const fresh: string[] = [];
    for (const m of result) {
      const known = this.series.get(m.name);
      if (since !== undefined && (!known || known.length === 0)) {
        fresh.push(m.name);
        continue;
      }
      added += this.get(m.name).append(m.steps, m.values);
    }
    if (fresh.length > 0) {
      for (const m of await this.fetch(undefined, fresh)) added += this.get(m.name).append(m.steps, m.values);
    }
    return added;
  }
}
