/**
 * Slice and SplitV on the wasm backend without copying the whole input first.
 *
 * The wasm Slice kernel starts with backend.readSync(x), a copy of all of x, for every slice, and
 * then copies one innermost row at a time; SplitV calls it once per part. Splitting G's 237k
 * parameters back into tensors after each Adam update cost ~4 ms, and cropping [64,30,30,1] to
 * [64,28,28,1] ~3 ms. These versions read the input in place from the wasm heap and copy
 * contiguous runs (whole trailing dimensions merged) with one call each.
 */

import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs, TensorInfo } from './wasm-util';

type TypedArray = tf.backend_util.TypedArray;

/** Runs shorter than this are copied element by element (cheaper than a subarray each). */
const MIN_BULK_RUN = 32;

/** dst = src[begin : begin + size] for a row-major array of the given shape. */
export function sliceInto(
  src: TypedArray,
  shape: number[],
  begin: number[],
  size: number[],
  dst: TypedArray,
): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1] * shape[i + 1];
  // Axes after k are taken whole, so axes k.. form one contiguous run per outer index.
  let k = rank - 1;
  while (k > 0 && begin[k] === 0 && size[k] === shape[k]) k--;
  const run = size[k] * strides[k];
  let outer = 1;
  for (let i = 0; i < k; i++) outer *= size[i];
  let base = 0;
  for (let i = 0; i <= k; i++) base += begin[i] * strides[i];
  const idx = new Array<number>(k).fill(0);
  let offset = base;
  let o = 0;
  for (let r = 0; r < outer; r++) {
    if (run >= MIN_BULK_RUN) {
      dst.set(src.subarray(offset, offset + run), o);
      o += run;
    } else {
      for (let j = 0; j < run; j++) dst[o++] = src[offset + j];
    }
    // Odometer over the outer axes.
    for (let a = k - 1; a >= 0; a--) {
      idx[a]++;
      offset += strides[a];
      if (idx[a] < size[a]) break;
      offset -= idx[a] * strides[a];
      idx[a] = 0;
    }
  }
}

function sliceTensor(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  if (tf.util.sizeFromShape(size) === 0) return out;
  // Views after the allocation: growing the wasm memory detaches earlier ones.
  sliceInto(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

export function fastSlice(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original(args);
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    tf.slice_util.assertParamsValid(x as tf.Tensor, begin_, size_);
    return sliceTensor(args.backend as BackendWasm, x, begin_, size_);
  };
}

export function fastSplitV(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = x.shape.slice();
      size[ax] = s;
      const part = sliceTensor(args.backend as BackendWasm, x, begin.slice(), size);
      begin[ax] += s;
      return part;
    });
  };
}
