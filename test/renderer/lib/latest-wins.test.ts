import { describe, expect, it } from 'vitest';
import { LatestWins } from '../../../renderer/src/lib/latest-wins';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

describe('LatestWins', () => {
  it('sends the first input and then only the latest one submitted while it ran', async () => {
    const sent: number[] = [];
    const pending: ReturnType<typeof deferred<string>>[] = [];
    const shown: string[] = [];
    const q = new LatestWins(
      (x: number) => {
        sent.push(x);
        const d = deferred<string>();
        pending.push(d);
        return d.promise;
      },
      (r) => shown.push(r),
    );
    q.submit(1);
    for (let x = 2; x <= 10; x++) q.submit(x);
    expect(sent).toEqual([1]);
    pending[0].resolve('img1');
    await Promise.resolve();
    await Promise.resolve();
    expect(sent).toEqual([1, 10]);
    q.submit(11);
    q.submit(12);
    pending[1].resolve('img10');
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual([1, 10, 12]);
    pending[2].resolve('img12');
    await q.idle();
    expect(shown).toEqual(['img1', 'img10', 'img12']);
    expect(q.busy).toBe(false);
  });

  it('reports an error and still runs the pending input', async () => {
    const errors: unknown[] = [];
    const shown: number[] = [];
    const q = new LatestWins(
      async (x: number) => {
        await new Promise((r) => setTimeout(r, 5));
        if (x === 1) throw new Error('boom');
        return x * 2;
      },
      (r) => shown.push(r),
      (e) => errors.push(e),
    );
    q.submit(1);
    q.submit(2);
    q.submit(3);
    await q.idle();
    expect(errors).toHaveLength(1);
    expect(shown).toEqual([6]);
  });

  it('dropPending forgets the queued input', async () => {
    const sent: number[] = [];
    const q = new LatestWins(
      async (x: number) => {
        sent.push(x);
        await new Promise((r) => setTimeout(r, 5));
        return x;
      },
      () => {},
    );
    q.submit(1);
    q.submit(2);
    q.dropPending();
    await q.idle();
    expect(sent).toEqual([1]);
  });
});
