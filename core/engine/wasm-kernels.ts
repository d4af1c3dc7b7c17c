/**
 * Kernels registered on the wasm backend to fill its gaps (see test/core/engine/wasm-kernels.test.ts).
 *
 * - BatchMatMul / _FusedMatMul: tfjs-backend-wasm only reaches XNNPACK when neither operand is
 *   transposed and the batch is 1; any transpose flag falls into a naive triple loop that is
 *   10-30x slower. Every dense layer's backward pass asks for a transposed operand, so the
 *   transpose is done explicitly (a memory-bound copy) and the plain XNNPACK path is used.
 * - Conv2DBackpropFilter: missing on wasm, so conv2d / conv2dTranspose could not be trained.
 *   It is rewritten as one XNNPACK convolution (see conv2DBackpropFilter below).
 * - Conv2DBackpropInput: the wasm kernel is a naive loop ~9x slower than the forward conv; it is
 *   conv2dTranspose's forward pass and every conv2d's input gradient, so it is replaced by one
 *   XNNPACK convolution plus a sub-pixel shuffle (see fastConv2DBackpropInput below).
 * - UnsortedSegmentSum: missing on wasm; it is the gradient of tf.gather.
 */

import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
// The wasm kernels we wrap must be in the registry before registerWasmKernels() looks them up.
import '@tensorflow/tfjs-backend-wasm';

type TensorInfo = tf.TensorInfo;
type KernelArgs = Parameters<tf.KernelFunc>[0];
type Pad2D = [[number, number], [number, number], [number, number], [number, number]];

const BACKEND = 'wasm';
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

/** Runs another wasm kernel through the registry, so we depend only on its public contract. */
function runWasmKernel(
  name: string,
  backend: BackendWasm,
  inputs: tf.NamedTensorInfoMap,
  attrs: object,
): TensorInfo {
  const kernel = tf.getKernel(name, BACKEND);
  if (!kernel) throw new Error(`wasm kernel '${name}' is not registered`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
}

function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return runWasmKernel(tf.Transpose, backend, { x }, { perm });
}

/** Product of all but the last two dimensions: the batch the wasm matmul kernels see. */
function batchOf(t: TensorInfo): number {
  return tf.util.sizeFromShape(t.shape.slice(0, -2));
}

function swapLastTwo(backend: BackendWasm, t: TensorInfo): TensorInfo {
  const rank = t.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transpose(backend, t, perm);
}

/**
 * Wraps a matmul kernel (BatchMatMul or _FusedMatMul, same input names and transpose attrs) so
 * that transposed operands are materialised before the XNNPACK path. Batched products (batch > 1)
 * never reach XNNPACK on wasm, so they are passed through unchanged.
 */
function untransposedMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const backend = args.backend as BackendWasm;
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (
      (!attrs.transposeA && !attrs.transposeB) ||
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      batchOf(a) !== 1 ||
      batchOf(b) !== 1
    ) {
      return original(args);
    }
    const temps: TensorInfo[] = [];
    try {
      const a2 = attrs.transposeA ? swapLastTwo(backend, a) : a;
      if (a2 !== a) temps.push(a2);
      const b2 = attrs.transposeB ? swapLastTwo(backend, b) : b;
      if (b2 !== b) temps.push(b2);
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

/**
 * dW[i,j,ci,co] = sum over n,oh,ow of x[n, oh*sh + i - top, ow*sw + j - left, ci] * dy[n,oh,ow,co].
 * Read with ci as the batch, n as the input channel and dy as a filter dilated by the stride,
 * this is a stride-1 convolution whose output is exactly [Ci, fh, fw, Co]. One XNNPACK
 * convolution plus three transposes measured ~10 ms for x [64,14,14,32], 4x4 filter to 64
 * channels, stride 2 (the forward conv takes ~9 ms); an im2col with strided slices took
 * 200+ ms because wasm StridedSlice is slow, and the naive Conv3DBackpropFilterV2 ~180 ms.
 */
function conv2DBackpropFilter(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Padding after the input that makes the output exactly filterHeight x filterWidth; negative
  // when trailing input rows/columns are never read by the forward conv, which we crop instead.
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - left;
  const channelsLast = format === 'channelsLast';

  const temps: TensorInfo[] = [];
  const keep = (t: TensorInfo) => {
    temps.push(t);
    return t;
  };
  try {
    let xc = x;
    if (bottom < 0 || right < 0) {
      const h = inHeight + Math.min(bottom, 0);
      const w = inWidth + Math.min(right, 0);
      const size = channelsLast ? [batchSize, h, w, inChannels] : [batchSize, inChannels, h, w];
      xc = keep(runWasmKernel(tf.Slice, backend, { x }, { begin: [0, 0, 0, 0], size }));
    }
    // [Ci, H, W, N]: input channels become the batch, the batch becomes the channels.
    const xt = keep(transpose(backend, xc, channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0]));
    // [oH, oW, N, Co]: dy becomes a filter over the (batch) channels.
    const dyt = keep(transpose(backend, dy, channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1]));
    const explicitPad: Pad2D = [
      [0, 0],
      [top, Math.max(bottom, 0)],
      [left, Math.max(right, 0)],
      [0, 0],
    ];
    const conv = keep(
      runWasmKernel(
        tf.Conv2D,
        backend,
        { x: xt, filter: dyt },
        {
          strides: [1, 1],
          pad: explicitPad,
          dataFormat: 'NHWC',
          dilations: [strideHeight, strideWidth],
          dimRoundingMode: undefined,
        },
      ),
    );
    const expected = [inChannels, filterHeight, filterWidth, outChannels];
    if (!tf.util.arraysEqual(conv.shape, expected)) {
      throw new Error(`Conv2DBackpropFilter (wasm): got [${conv.shape}], expected [${expected}]`);
    }
    return transpose(backend, conv, [1, 2, 0, 3]);
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

function reshape(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return runWasmKernel(tf.Reshape, backend, { x }, { shape });
}

/**
 * dx[h] = sum over k of dy[q - k] * W[p + k*s], where h + top = q*s + p (per spatial axis). Each
 * phase p is a stride-1 convolution of dy with a flipped sub-filter, and all s*s phases share dy,
 * so they are stacked as output channels of ONE XNNPACK convolution, then interleaved (sub-pixel
 * shuffle) and cropped. The wasm kernel this replaces is a naive loop: 77 ms vs ~16 ms for
 * dy [64,7,7,64], 4x4 filter, stride 2 -> [64,14,14,32]. It is both conv2dTranspose's forward
 * pass and conv2d's input gradient. NCHW and non-float32 keep the original kernel.
 */
function fastConv2DBackpropInput(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const backend = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
      args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
    if (format !== 'channelsLast' || dy.dtype !== 'float32' || filter.dtype !== 'float32')
      return original(args);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      format,
    );
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
    const { filterHeight, filterWidth, strideHeight: sh, strideWidth: sw } = info;
    const phases = sh * sw;
    // Sub-filter taps per axis, and the first/last+1 row of the phase grid that dx needs.
    const kh = Math.ceil(filterHeight / sh);
    const kw = Math.ceil(filterWidth / sw);
    const q0 = Math.floor(info.padInfo.top / sh);
    const r0 = Math.floor(info.padInfo.left / sw);
    const q1 = Math.ceil((info.padInfo.top + inHeight) / sh);
    const r1 = Math.ceil((info.padInfo.left + inWidth) / sw);
    // Padding of dy for the phase convolution; negative means dy rows that reach no dx row.
    const padTop = kh - 1 - q0;
    const padLeft = kw - 1 - r0;
    const padBottom = q1 - outHeight;
    const padRight = r1 - outWidth;

    // Combined filter [kh, kw, Co, phases*Ci]: channel (p*sw + r)*Ci + ci of tap (m, n) is
    // W[p + (kh-1-m)*sh, r + (kw-1-n)*sw, ci, :], zero beyond the real filter.
    const w = backend.readSync(filter.dataId) as Float32Array;
    const outC = phases * inChannels;
    const combined = backend.makeOutput([kh, kw, outChannels, outC], 'float32');
    const temps: TensorInfo[] = [combined];
    const keep = (t: TensorInfo) => {
      temps.push(t);
      return t;
    };
    try {
      const f = backend.typedArrayFromHeap(combined);
      f.fill(0);
      for (let m = 0; m < kh; m++) {
        for (let n = 0; n < kw; n++) {
          for (let p = 0; p < sh; p++) {
            const i = p + (kh - 1 - m) * sh;
            if (i >= filterHeight) continue;
            for (let r = 0; r < sw; r++) {
              const j = r + (kw - 1 - n) * sw;
              if (j >= filterWidth) continue;
              for (let ci = 0; ci < inChannels; ci++) {
                const src = ((i * filterWidth + j) * inChannels + ci) * outChannels;
                const dst = (m * kw + n) * outChannels * outC + (p * sw + r) * inChannels + ci;
                for (let co = 0; co < outChannels; co++) f[dst + co * outC] = w[src + co];
              }
            }
          }
        }
      }

      let dyc = dy;
      if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
        const top = Math.max(-padTop, 0);
        const left = Math.max(-padLeft, 0);
        const h = outHeight + Math.min(padBottom, 0) - top;
        const wd = outWidth + Math.min(padRight, 0) - left;
        dyc = keep(
          runWasmKernel(
            tf.Slice,
            backend,
            { x: dy },
            { begin: [0, top, left, 0], size: [batchSize, h, wd, outChannels] },
          ),
        );
      }
      const explicitPad: Pad2D = [
        [0, 0],
        [Math.max(padTop, 0), Math.max(padBottom, 0)],
        [Math.max(padLeft, 0), Math.max(padRight, 0)],
        [0, 0],
      ];
      let y = keep(
        runWasmKernel(
          tf.Conv2D,
          backend,
          { x: dyc, filter: combined },
          {
            strides: [1, 1],
            pad: explicitPad,
            dataFormat: 'NHWC',
            dilations: [1, 1],
            dimRoundingMode: undefined,
          },
        ),
      );
      const rows = q1 - q0;
      const cols = r1 - r0;
      if (!tf.util.arraysEqual(y.shape, [batchSize, rows, cols, outC])) {
        throw new Error(
          `Conv2DBackpropInput (wasm): got [${y.shape}], expected [${[batchSize, rows, cols, outC]}]`,
        );
      }
      if (phases > 1) {
        // [N, rows, cols, sh, sw, Ci] -> [N, rows, sh, cols, sw, Ci]: DepthToSpace does the same
        // but is ~10x slower on wasm.
        const y6 = keep(reshape(backend, y, [batchSize, rows, cols, sh, sw, inChannels]));
        const t6 = keep(transpose(backend, y6, [0, 1, 3, 2, 4, 5]));
        y = keep(reshape(backend, t6, [batchSize, rows * sh, cols * sw, inChannels]));
      }
      const offH = info.padInfo.top - q0 * sh;
      const offW = info.padInfo.left - r0 * sw;
      if (offH === 0 && offW === 0 && rows * sh === inHeight && cols * sw === inWidth) {
        // The result is returned, so it must not be disposed with the temporaries.
        temps.splice(temps.indexOf(y), 1);
        return y;
      }
      return runWasmKernel(
        tf.Slice,
        backend,
        { x: y },
        { begin: [0, offH, offW, 0], size: [batchSize, inHeight, inWidth, inChannels] },
      );
    } finally {
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
 * LeakyRelu as x * step(x, alpha): wasm's own LeakyRelu is a scalar loop about 4x slower than
 * its Step and Multiply kernels together (measured 430 vs 100 us on [512, 128]).
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
  const slope = runWasmKernel(tf.Step, backend, { x }, { alpha });
  const out = runWasmKernel(tf.Multiply, backend, { a: x, b: slope }, {});
  backend.disposeData(slope.dataId);
  return out;
}

/**
 * Sum over axis 0 of a matrix (every dense layer's bias gradient) as ones[1, N] x X: wasm
 * transposes first and then reduces, about 15x slower than one XNNPACK matmul.
 */
function columnSum(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape);
    if (x.dtype !== 'float32' || x.shape.length !== 2 || axes.length !== 1 || axes[0] !== 0) return original(args);
    const [n, m] = x.shape;
    const ones = backend.makeOutput([1, n], 'float32', undefined, new Float32Array(n).fill(1));
    const summed = runWasmKernel(tf.BatchMatMul, backend, { a: ones, b: x }, { transposeA: false, transposeB: false });
    backend.disposeData(ones.dataId);
    const out = reshape(backend, summed, keepDims ? [1, m] : [m]);
    backend.disposeData(summed.dataId); // Reshape shares the buffer and took its own reference
    return out;
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
  install(tf.BatchMatMul, (orig) => untransposedMatMul(requireOriginal(tf.BatchMatMul, orig)));
  install(tf._FusedMatMul, (orig) => untransposedMatMul(requireOriginal(tf._FusedMatMul, orig)));
  install(tf.Conv2DBackpropInput, (orig) =>
    fastConv2DBackpropInput(requireOriginal(tf.Conv2DBackpropInput, orig)),
  );
  // Only fill gaps: if a later tfjs-backend-wasm ships these kernels, keep its versions.
  if (!tf.getKernel(tf.Conv2DBackpropFilter, BACKEND)) {
    install(tf.Conv2DBackpropFilter, () => conv2DBackpropFilter as tf.KernelFunc);
  }
  install(tf.LeakyRelu, () => fastLeakyRelu as tf.KernelFunc);
  install(tf.Sum, (orig) => columnSum(requireOriginal(tf.Sum, orig)));
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
