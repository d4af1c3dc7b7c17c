import { describe, expect, it } from 'vitest';
import { openStore, tempDbPath } from './helpers';

describe('classifiers table', () => {
  it('keeps one classifier per dataset key, replaced on save, and survives reopening', () => {
    const file = tempDbPath();
    const store = openStore(file);
    expect(store.loadClassifier('mnist:28x28x1')).toBeUndefined();
    store.saveClassifier('mnist:28x28x1', {
      accuracy: 0.91,
      info: { classes: 10 },
      data: Uint8Array.from([1, 2, 3]),
    });
    store.saveClassifier('mnist:28x28x1', {
      accuracy: 0.98,
      info: { classes: 10 },
      data: Uint8Array.from([4, 5]),
    });
    store.close();
    const again = openStore(file);
    const kept = again.loadClassifier('mnist:28x28x1')!;
    expect(kept.accuracy).toBe(0.98);
    expect(kept.info).toEqual({ classes: 10 });
    expect(Array.from(kept.data)).toEqual([4, 5]);
    expect(again.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(2);
  });
});
