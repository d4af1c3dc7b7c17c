import { describe, expect, it } from 'vitest';
import type { MetricSeries } from '../../../core/api/contract';
import { RunMetrics } from '../../../renderer/src/lib/run-metrics';

/** An in-memory metric table answering like the host's `metrics` method. */
function table(rows: { name: string; step: number; value: number }[]) {
  const calls: { since: number | undefined; names: string[] | undefined }[] = [];
  const fetch = async (since: number | undefined, names: string[] | undefined): Promise<MetricSeries[]> => {
    calls.push({ since, names });
    const out = new Map<string, MetricSeries>();
    for (const r of rows) {
      if (since !== undefined && r.step <= since) continue;
      if (names && !names.includes(r.name)) continue;
      if (!out.has(r.name)) out.set(r.name, { name: r.name, steps: [], values: [] });
      out.get(r.name)!.steps.push(r.step);
      out.get(r.name)!.values.push(r.value);
    }
    return [...out.values()];
  };
  return { rows, calls, fetch };
}

describe('RunMetrics.poll', () => {
  it('fetches increments and never skips a metric written later at the same step', async () => {
    const t = table([
      { name: 'lossG', step: 100, value: 1 },
      { name: 'lossG', step: 200, value: 2 },
    ]);
    const m = new RunMetrics(t.fetch);
    expect(await m.poll()).toBe(2);
    expect(t.calls[0].since).toBeUndefined();
    // lossG at 300 lands, then the evaluation at 200 is written after it.
    t.rows.push({ name: 'lossG', step: 300, value: 3 }, { name: 'fid', step: 200, value: 50 });
    expect(await m.poll()).toBe(2);
    expect(t.calls[1].since).toBe(199);
    expect(t.calls[2]).toEqual({ since: undefined, names: ['fid'] });
    expect(m.get('fid').length).toBe(1);
    t.rows.push({ name: 'lossG', step: 400, value: 4 }, { name: 'fid', step: 400, value: 40 });
    expect(await m.poll()).toBe(2);
    expect(t.calls[3].since).toBe(199);
    expect(Array.from(m.get('lossG').steps.subarray(0, 4))).toEqual([100, 200, 300, 400]);
    expect(await m.poll()).toBe(0);
  });

  it('clear() empties the series in place, so charts holding them see the refetch', async () => {
    const t = table([
      { name: 'T', step: 10, value: 5 },
      { name: 'T', step: 20, value: 6 },
    ]);
    const m = new RunMetrics(t.fetch);
    const held = m.get('T');
    await m.poll();
    expect(held.length).toBe(2);
    m.clear();
    expect(held.length).toBe(0);
    t.rows.splice(1, 1, { name: 'T', step: 15, value: 7 });
    await m.poll();
    expect(t.calls.at(-1)?.since).toBeUndefined();
    expect(m.get('T')).toBe(held);
    expect(Array.from(held.steps.subarray(0, held.length))).toEqual([10, 15]);
  });
});
