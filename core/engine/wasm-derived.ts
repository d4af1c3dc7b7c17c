/**
 * Buffers derived from a kernel input (e.g. a transposed convolution's filter rearranged for
 * XNNPACK), cached for as long as that input's buffer lives.
 *
 * Why: a sample from G runs the same weights through Conv2DBackpropInput on every call, and
 * rebuilding the rearranged filter (2M weights at 64x64) plus XNNPACK repacking it (its operator
 * cache is keyed on the filter buffer's id, and a rebuilt filter has a new id) cost more than the
 * convolution itself. Keeping the derived buffer keeps both.
 *
 * Why this is valid: tfjs tensors are immutable and a buffer (dataId) is never rewritten while it
 * lives; weights that change (Variable.assign, optimizers) get a new dataId. So an entry is keyed
 * on the source's dataId object plus a string describing the derivation, and is freed exactly when
 * the backend frees the source buffer. The backend offers no disposal callback to JS (its C++ side
 * has one, which it uses for the same purpose with XNNPACK operators), so the backend instance's
 * disposeData is wrapped, once, to release the entries of a buffer it has just freed. That wrapper
 * only adds work after the original has run, and only for buffers that have entries.
 */

import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from './wasm-util';

interface Entry {
  key: string;
  tensors: TensorInfo[];
}

/** Derivations kept per source buffer; a new one beyond this evicts the oldest. */
const MAX_ENTRIES_PER_SOURCE = 4;

const HOOKED = Symbol.for('gan-studio.wasm-derived.hook');

type DataId = object;
type Hooked = BackendWasm & { [HOOKED]?: Map<DataId, Entry[]> };

function entriesOf(backend: BackendWasm): Map<DataId, Entry[]> {
  const b = backend as Hooked;
  const existing = b[HOOKED];
  if (existing) return existing;
  const entries = new Map<DataId, Entry[]>();
  const disposeData = backend.disposeData.bind(backend);
  const free = (list: Entry[]) => {
    for (const e of list) for (const t of e.tensors) disposeData(t.dataId);
  };
  backend.disposeData = (dataId: DataId, force?: boolean): boolean => {
    const freed = disposeData(dataId, force);
    if (entries.size > 0) {
      const list = entries.get(dataId);
      if (list && !backend.dataIdMap.has(dataId)) {
        entries.delete(dataId);
        free(list);
      }
    }
    return freed;
  };
  b[HOOKED] = entries;
  return entries;
}

/**
 * The buffers `make` derives from `source` under `key` (which must capture everything besides
 * source's values that the result depends on, shapes included), made once per source buffer.
 * The returned tensors belong to the cache: callers must not dispose them.
 */
export function derived(
  backend: BackendWasm,
  source: TensorInfo,
  key: string,
  make: () => TensorInfo[],
): TensorInfo[] {
  const entries = entriesOf(backend);
  let list = entries.get(source.dataId);
  const hit = list?.find((e) => e.key === key);
  if (hit) return hit.tensors;
  const tensors = make();
  if (!list) {
    list = [];
    entries.set(source.dataId, list);
  }
  list.push({ key, tensors });
  if (list.length > MAX_ENTRIES_PER_SOURCE) {
    const [old] = list.splice(0, 1);
    for (const t of old.tensors) backend.disposeData(t.dataId);
  }
  return tensors;
}

/** Number of source buffers with cached derivations (for tests). */
export function derivedSourceCount(backend: BackendWasm): number {
  return (backend as Hooked)[HOOKED]?.size ?? 0;
}
