/**
 * Kernels registered on the wasm backend to fill its gaps and replace its slow kernels (see
 * test/core/engine/wasm-kernels.test.ts, wasm-overrides.test.ts, wasm-derived.test.ts). Each keeps
 * matching the cpu backend.
 *
 * - BatchMatMul / _FusedMatMul: tfjs-backend-wasm only reaches XNNPACK when neither operand is
 *   transposed and the batch is 1; any transpose flag falls into a naive triple loop that is
 *   10-30x slower. Every dense layer's backward pass asks for a transposed operand, so the
 *   transpose is done explicitly (a memory-bound copy) and the plain XNNPACK path is used; A^T b
 *   with a one-column operand is a broadcast multiply and a row sum instead. A buffer reused as b
 *   with another shape is copied first (tfjs caches XNNPACK's packed b on the buffer alone).
 * - Conv2DBackpropFilter (missing on wasm) and Conv2DBackpropInput (a naive loop on wasm):
 *   XNNPACK convolutions and matmuls, see wasm-conv.ts. Rearranged transposed-conv filters are
 *   cached per weight buffer (wasm-derived.ts).
 * - Identity shares its input's buffer (the engine clones every tensor it saves for a gradient).
 * - Slice / SplitV read the input in place (wasm-slice.ts).
 * - Transpose: a tiled copy in JS when the perm is a batch of 2D transposes (wasm-transpose.ts).
 * - Sum / Mean over leading axes (bias gradients, batch-norm statistics): one average pooling.
 * - LeakyRelu: one XNNPACK Prelu, or Step and Multiply.
 * - UnsortedSegmentSum: missing on wasm; it is the gradient of tf.gather.
 */

import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
// The wasm kernels we wrap must be in the registry before registerWasmKernels() looks them up.
import '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilter, fastConv2DBackpropInput } from './wasm-conv';
import { fastSlice, fastSplitV } from './wasm-slice';
import { fastTranspose } from './wasm-transpose';
import {
  BACKEND,
  type KernelArgs,
  reshape,
  runWasmKernel,
  Temps,
  type TensorInfo,
  transpose,
} from './wasm-util';

/**
 * Marks configs registered here. It is a global symbol so that a second copy of this module
 * (bundlers, test isolation) still recognises them and does not wrap a wrapper.
 */
const OURS = Symbol.for('gan-studio.wasm-kernels');

interface OurKernelConfig extends tf.KernelConfig {
  [OURS]: true;
}

function isOurs(config: tf.KernelConfig | undefined): boolean {
  return config !== undefined && (config as Partial<OurKernelConfig>)[OURS] === true;
}

/** Product of all but the last two dimensions: the batch the wasm matmul kernels see. */
function batchOf(t: TensorInfo): number {
  return tf.util.sizeFromShape(t.shape.slice(0, -2));
}

/** t with its last two axes swapped; a vector (one of them 1) is only reshaped, sharing t's buffer. */
function swapLastTwo(backend: BackendWasm, t: TensorInfo, allowView: boolean): TensorInfo {
  const rank = t.shape.length;
  if (allowView && (t.shape[rank - 2] === 1 || t.shape[rank - 1] === 1)) {
    const shape = t.shape.slice();
    [shape[rank - 2], shape[rank - 1]] = [shape[rank - 1], shape[rank - 2]];
    return reshape(backend, t, shape);
  }
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transpose(backend, t, perm);
}

/** The [K, N] each buffer was last given to a matmul as b (XNNPACK's weights) with. */
const weightShapes = new WeakMap<object, string>();

/**
 * tfjs-wasm caches the XNNPACK matmul operator, with its packed copy of b, on b's buffer id
 * alone. A buffer used as b again with another [K, N] (a reshape shares its buffer, and so does
 * tf.clone here) would run the stale operator and return garbage, so such a b is copied first.
 */
function weightsOperand(backend: BackendWasm, b: TensorInfo, temps: TensorInfo[]): TensorInfo {
  const rank = b.shape.length;
  const key = `${b.shape[rank - 2]}x${b.shape[rank - 1]}`;
  const seen = weightShapes.get(b.dataId);
  if (seen === undefined) weightShapes.set(b.dataId, key);
  if (seen === undefined || seen === key) return b;
  const copy = backend.makeOutput(b.shape, 'float32');
  temps.push(copy);
  backend.typedArrayFromHeap(copy).set(backend.typedArrayFromHeap(b));
  return copy;
}

/**
 * A^T B when A or B is one column (a dense layer's weight gradient with one output, e.g. D's
 * last layer): the sum over rows of A * B (broadcast), one multiply and one pooled row sum
 * instead of transposing A (measured 0.2 vs 1.3 ms for A [128, 3136]). Null if not that case.
 */
function vectorTransposedMatMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo | null {
  const [k, m] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  if (n !== 1 && m !== 1) return null;
  const temps = new Temps(backend);
  try {
    const a2 = temps.keep(reshape(backend, a, [k, m]));
    const b2 = temps.keep(reshape(backend, b, [k, n]));
    const product = temps.keep(runWasmKernel(tf.Multiply, backend, { a: a2, b: b2 }, {}));
    const summed = temps.keep(sumRows(backend, product, 1));
    const batch = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
    return reshape(backend, summed, [...batch, m, n]);
  } finally {
    temps.dispose();
  }
}

/**
 * Wraps a matmul kernel (BatchMatMul or _FusedMatMul, same input names and transpose attrs) so
 * that transposed operands are materialised before the XNNPACK path. Batched products (batch > 1)
 * never reach XNNPACK on wasm, so they are passed through unchanged.
 */
function untransposedMatMul(original: tf.KernelFunc, vectorCase: boolean): tf.KernelFunc {
  return (args: KernelArgs) => {
    const backend = args.backend as BackendWasm;
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || batchOf(a) !== 1 || batchOf(b) !== 1) {
      return original(args);
    }
    if (vectorCase && attrs.transposeA && !attrs.transposeB) {
      const out = vectorTransposedMatMul(backend, a, b);
      if (out) return out;
    }
    const temps: TensorInfo[] = [];
    try {
      const a2 = attrs.transposeA ? swapLastTwo(backend, a, true) : a;
      if (a2 !== a) temps.push(a2);
      // b is never a view: a transposed copy is a new buffer, so XNNPACK packs it afresh.
      const b2 = attrs.transposeB ? swapLastTwo(backend, b, false) : weightsOperand(backend, b, temps);
      if (attrs.transposeB) temps.push(b2);
      return original({
        inputs: { ...args.inputs, a: a2, b: b2 },
        backend,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      // Disposing also drops the XNNPACK operator the matmul cached on the temporary's id.
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}

/** out[s] = sum of the rows of x whose segment id is s (ids outside [0, numSegments) are dropped). */
function unsortedSegmentSum(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum (wasm) supports float32 and int32, got ${x.dtype}`);
  }
  const rows = tf.util.sizeFromShape(segmentIds.shape);
  const rowSize = rows === 0 ? 0 : tf.util.sizeFromShape(x.shape) / rows;
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const ids = backend.readSync(segmentIds.dataId) as tf.backend_util.TypedArray;
  const xs = backend.readSync(x.dataId) as tf.backend_util.TypedArray;
  const out = backend.makeOutput(outShape, x.dtype);
  const os = backend.typedArrayFromHeap(out);
  os.fill(0);
  for (let r = 0; r < rows; r++) {
    const s = ids[r];
    if (s < 0 || s >= numSegments) continue;
    const src = r * rowSize;
    const dst = s * rowSize;
    for (let k = 0; k < rowSize; k++) os[dst + k] += xs[src + k];
  }
  return out;
}

/**
 * Channels for a Prelu over x with one alpha: XNNPACK's Prelu treats x as [size / C, C] with C
 * the alpha vector's length, and is slow for a handful of channels, so C is the product of the
 * trailing dimensions, taken until it reaches 16. Null if x has no such split.
 */
function preluChannels(shape: number[]): number | null {
  let c = 1;
  for (let i = shape.length - 1; i >= 0 && c < 16; i--) c *= shape[i];
  return c >= 16 && c <= 65536 ? c : null;
}

/**
 * LeakyRelu as one XNNPACK Prelu with alpha repeated over C channels (about twice as fast as
 * x * step(x, alpha), two kernels and passes), or as that product when x has no usable channel
 * split. wasm's own LeakyRelu is a scalar loop about 4x slower than Step and Multiply together
 * (measured 430 vs 100 us on [512, 128]).
 */
function fastLeakyRelu(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: TensorInfo };
  const { alpha } = args.attrs as unknown as { alpha: number };
  if (x.dtype !== 'float32') {
    const cast = runWasmKernel(tf.Cast, backend, { x }, { dtype: 'float32' });
    const out = fastLeakyRelu({ ...args, inputs: { x: cast } });
    backend.disposeData(cast.dataId);
    return out;
  }
  const channels = preluChannels(x.shape);
  if (channels !== null) {
    const slopes = backend.makeOutput(
      [channels],
      'float32',
      undefined,
      new Float32Array(channels).fill(alpha),
    );
    const out = runWasmKernel(tf.Prelu, backend, { x, alpha: slopes }, {});
    backend.disposeData(slopes.dataId);
    return out;
  }
  const slope = runWasmKernel(tf.Step, backend, { x }, { alpha });
  const out = runWasmKernel(tf.Multiply, backend, { a: x, b: slope }, {});
  backend.disposeData(slope.dataId);
  return out;
}

/**
 * scale * (sum over rows of x [rows, cols]) as [cols]: XNNPACK average pooling over an
 * [1, rows, 1, cols] view, scaled back by rows. Reads x once; no transpose, no packing.
 */
function sumRows(backend: BackendWasm, x: TensorInfo, scale: number): TensorInfo {
  const [rows, cols] = x.shape;
  const x4 = reshape(backend, x, [1, rows, 1, cols]);
  try {
    const pooled = runWasmKernel(
      tf.AvgPool,
      backend,
      { x: x4 },
      { filterSize: [rows, 1], strides: [1, 1], pad: 'valid', dimRoundingMode: undefined },
    );
    // The pooling output is ours and tiny: scale it in place rather than run another kernel.
    const v = backend.typedArrayFromHeap(pooled) as Float32Array;
    const factor = scale * rows;
    if (factor !== 1) for (let i = 0; i < v.length; i++) v[i] *= factor;
    const out = reshape(backend, pooled, [cols]);
    backend.disposeData(pooled.dataId); // the reshape holds its own reference
    return out;
  } finally {
    backend.disposeData(x4.dataId);
  }
}

/**
 * Sum / Mean over leading axes (axis 0 of a matrix: every dense layer's bias gradient; N, H, W of
 * NHWC: conv biases and batch norm) as one XNNPACK average pooling over an [1, rows, 1, cols]
 * view. wasm's own kernels transpose the reduced axes innermost first; a ones-row matmul (used
 * before) repacks the whole input as matmul weights on every call. Measured on a fresh
 * [25088, 32]: ~0.15 ms pooled vs ~3 ms either way. Sum scales the mean back by the row count.
 */
function leadingAxesReduction(original: tf.KernelFunc, scaleBySize: boolean): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const k = axes.length;
    const leading = [...axes].sort((p, q) => p - q).every((a, i) => a === i);
    if (x.dtype !== 'float32' || k === 0 || k >= x.shape.length || !leading) return original(args);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, k));
    const cols = tf.util.sizeFromShape(x.shape.slice(k));
    if (rows <= 1 || cols === 0) return original(args);
    const temps = new Temps(backend);
    try {
      const x2 = temps.keep(reshape(backend, x, [rows, cols]));
      const reduced = temps.keep(sumRows(backend, x2, scaleBySize ? 1 : 1 / rows));
      const kept = x.shape.map((d, i) => (i < k ? 1 : d));
      return reshape(backend, reduced, keepDims ? kept : x.shape.slice(k));
    } finally {
      temps.dispose();
    }
  };
}

/**
 * Identity (tf.clone) sharing the input's buffer, as the cpu and webgl backends do: buffers are
 * immutable, and the engine clones every input and output it saves for a gradient, which on
 * wasm copied ~9 ms of data per DCGAN training step. Strings keep the original kernel.
 */
function sharedIdentity(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
  };
}

/** Replaces (or adds) a wasm kernel, keeping the original's setup so it still runs on setBackend. */
function install(kernelName: string, makeFunc: (original: tf.KernelFunc | null) => tf.KernelFunc): void {
  const current = tf.getKernel(kernelName, BACKEND);
  if (isOurs(current)) return;
  const config: OurKernelConfig = {
    kernelName,
    backendName: BACKEND,
    kernelFunc: makeFunc(current?.kernelFunc ?? null),
    setupFunc: current?.setupFunc,
    disposeFunc: current?.disposeFunc,
    [OURS]: true,
  };
  // Unregistering first avoids tfjs's "already registered" warning.
  if (current) tf.unregisterKernel(kernelName, BACKEND);
  tf.registerKernel(config);
}

function requireOriginal(kernelName: string, original: tf.KernelFunc | null): tf.KernelFunc {
  if (!original)
    throw new Error(`wasm kernel '${kernelName}' is missing; is @tensorflow/tfjs-backend-wasm loaded?`);
  return original;
}

/**
 * Registers the wasm kernels above. Idempotent, and independent of whether the wasm backend is
 * already active: tfjs runs each kernel's setupFunc on every setBackend, and wrapped kernels keep
 * the original's.
 */
export function registerWasmKernels(): void {
  install(tf.BatchMatMul, (orig) => untransposedMatMul(requireOriginal(tf.BatchMatMul, orig), true));
  // Bias and activation must apply to the product, so the fused kernel has no vector shortcut.
  install(tf._FusedMatMul, (orig) => untransposedMatMul(requireOriginal(tf._FusedMatMul, orig), false));
  install(tf.Conv2DBackpropInput, (orig) =>
    fastConv2DBackpropInput(requireOriginal(tf.Conv2DBackpropInput, orig)),
  );
  // Only fill gaps: if a later tfjs-backend-wasm ships these kernels, keep its versions.
  if (!tf.getKernel(tf.Conv2DBackpropFilter, BACKEND)) {
    install(tf.Conv2DBackpropFilter, () => conv2DBackpropFilter as tf.KernelFunc);
  }
  install(tf.Slice, (orig) => fastSlice(requireOriginal(tf.Slice, orig)));
  install(tf.Transpose, (orig) => fastTranspose(requireOriginal(tf.Transpose, orig)));
  install(tf.SplitV, (orig) => fastSplitV(requireOriginal(tf.SplitV, orig)));
  install(tf.Identity, (orig) => sharedIdentity(requireOriginal(tf.Identity, orig)));
  install(tf.LeakyRelu, () => fastLeakyRelu as tf.KernelFunc);
  install(tf.Sum, (orig) => leadingAxesReduction(requireOriginal(tf.Sum, orig), true));
  install(tf.Mean, (orig) => leadingAxesReduction(requireOriginal(tf.Mean, orig), false));
  if (!tf.getKernel(tf.UnsortedSegmentSum, BACKEND)) {
    install(tf.UnsortedSegmentSum, () => unsortedSegmentSum as tf.KernelFunc);
  }
}

/**
 * GFLOP/s of a plain [256,256]x[256,256] matmul on the active backend: median of 30 timed runs
 * after a warm-up, each synchronised with dataSync. The same operands are reused, so on wasm
 * XNNPACK's packed weights are cached across runs; this measures the kernel, not the packing.
 */
export function measureMatmulGflops(): number {
  const n = 256;
  const reps = 30;
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  try {
    const run = () => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    };
    for (let i = 0; i < 5; i++) run();
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      run();
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    const seconds = Math.max(times[reps >> 1], 1e-3) / 1000;
    return (2 * n * n * n) / seconds / 1e9;
  } finally {
    a.dispose();
    b.dispose();
  }
}
