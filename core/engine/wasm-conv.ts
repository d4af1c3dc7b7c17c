/**
 * Convolution gradients on the wasm backend, written as XNNPACK convolutions and matmuls
 * (registered by wasm-kernels.ts). All NHWC float32; other layouts keep the original kernels.
 */

import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { derived } from './wasm-derived';
import {
  conv2d,
  type KernelArgs,
  type Pad2D,
  reshape,
  runWasmKernel,
  Temps,
  type TensorInfo,
  transpose,
} from './wasm-util';

type Conv2DInfo = tf.backend_util.Conv2DInfo;

/**
 * Up to this many input channels, Conv2DBackpropFilter builds the transposed im2col matrix in JS
 * and does one matmul (measured 5.9 vs 7.8 ms for x [128,28,28,1], dy [128,14,14,32], with a
 * fresh dy; even at batch 64). At 32 channels the JS im2col is far slower (37 vs 22 ms).
 */
const IM2COL_MAX_CHANNELS = 4;

/**
 * dW[i,j,ci,co] = sum over n,oh,ow of x[n, oh*sh + i - top, ow*sw + j - left, ci] * dy[n,oh,ow,co].
 *
 * Many input channels: read with ci as the batch, n as the input channel and dy as a filter
 * dilated by the stride, this is a stride-1 convolution whose output is exactly [Ci, fh, fw, Co].
 * One XNNPACK convolution plus three transposes measured ~10 ms for x [64,14,14,32], 4x4 filter to
 * 64 channels, stride 2 (the forward conv takes ~9 ms); an im2col with strided slices took 200+ ms
 * because wasm StridedSlice is slow, and the naive Conv3DBackpropFilterV2 ~180 ms.
 *
 * Few input channels (the first layer of D, the last of G): im2col written in JS, then one matmul.
 */
export function conv2DBackpropFilter(args: KernelArgs): TensorInfo {
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
  if (
    format === 'channelsLast' &&
    x.dtype === 'float32' &&
    dy.dtype === 'float32' &&
    info.inChannels <= IM2COL_MAX_CHANNELS
  ) {
    return filterGradIm2col(backend, x, dy, info);
  }
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Padding after the input that makes the output exactly filterHeight x filterWidth; negative
  // when trailing input rows/columns are never read by the forward conv, which we crop instead.
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - left;
  const channelsLast = format === 'channelsLast';

  const temps = new Temps(backend);
  try {
    let xc = x;
    if (bottom < 0 || right < 0) {
      const h = inHeight + Math.min(bottom, 0);
      const w = inWidth + Math.min(right, 0);
      const size = channelsLast ? [batchSize, h, w, inChannels] : [batchSize, inChannels, h, w];
      xc = temps.keep(runWasmKernel(tf.Slice, backend, { x }, { begin: [0, 0, 0, 0], size }));
    }
    // [Ci, H, W, N]: input channels become the batch, the batch becomes the channels.
    const xt = temps.keep(transpose(backend, xc, channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0]));
    // [oH, oW, N, Co]: dy becomes a filter over the (batch) channels.
    const dyt = temps.keep(transpose(backend, dy, channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1]));
    const explicitPad: Pad2D = [
      [0, 0],
      [top, Math.max(bottom, 0)],
      [left, Math.max(right, 0)],
      [0, 0],
    ];
    const conv = temps.keep(conv2d(backend, xt, dyt, explicitPad, [strideHeight, strideWidth]));
    const expected = [inChannels, filterHeight, filterWidth, outChannels];
    if (!tf.util.arraysEqual(conv.shape, expected)) {
      throw new Error(`Conv2DBackpropFilter (wasm): got [${conv.shape}], expected [${expected}]`);
    }
    return transpose(backend, conv, [1, 2, 0, 3]);
  } finally {
    temps.dispose();
  }
}

/**
 * dW = cols^T dy with cols^T [fh*fw*Ci, N*oH*oW] written directly (row (i, j, ci), column
 * (n, oh, ow), zero where the tap falls in the padding), so the matmul needs no transpose.
 */
function filterGradIm2col(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const pixels = batchSize * outHeight * outWidth;
  const rows = filterHeight * filterWidth * inChannels;
  const colsT = backend.makeOutput([1, rows, pixels], 'float32');
  const temps = new Temps(backend);
  temps.keep(colsT);
  try {
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    const c = backend.typedArrayFromHeap(colsT) as Float32Array;
    for (let i = 0; i < filterHeight; i++) {
      for (let j = 0; j < filterWidth; j++) {
        for (let ci = 0; ci < inChannels; ci++) {
          let o = ((i * filterWidth + j) * inChannels + ci) * pixels;
          for (let n = 0; n < batchSize; n++) {
            const xn = n * inHeight;
            for (let oh = 0; oh < outHeight; oh++) {
              const h = oh * strideHeight + i - top;
              if (h < 0 || h >= inHeight) {
                c.fill(0, o, o + outWidth);
                o += outWidth;
                continue;
              }
              const row = (xn + h) * inWidth;
              for (let ow = 0; ow < outWidth; ow++) {
                const w = ow * strideWidth + j - left;
                c[o++] = w >= 0 && w < inWidth ? xs[(row + w) * inChannels + ci] : 0;
              }
            }
          }
        }
      }
    }
    const dy3 = temps.keep(reshape(backend, dy, [1, pixels, outChannels]));
    const dw = temps.keep(
      runWasmKernel(tf.BatchMatMul, backend, { a: colsT, b: dy3 }, { transposeA: false, transposeB: false }),
    );
    return reshape(backend, dw, [filterHeight, filterWidth, inChannels, outChannels]);
  } finally {
    temps.dispose();
  }
}

/** One spatial axis of a transposed convolution split into its stride phases. */
interface AxisPhases {
  /** Phase e covers dx positions s*m + e, m in [0, rows). Same for every phase. */
  rows: number;
  /** Filter tap p_e + k*s (k = 0..taps-1) of phase e, and its tap count. */
  first: number[];
  taps: number[];
  /** Padding of dy before / after for phase e's stride-1 convolution. */
  before: number[];
  after: number[];
}

/**
 * dx[s*m + e] = sum over k of dy[m + c_e - k] * W[p_e + k*s], with p_e = (e + top) mod s and
 * c_e = floor((e + top) / s): phase e is a stride-1 correlation of dy with the flipped taps
 * p_e, p_e + s, ... Null when the phases differ in length or need dy cropped (then the combined
 * form is used).
 */
function axisPhases(size: number, dyLen: number, filter: number, s: number, top: number): AxisPhases | null {
  if (size % s !== 0) return null;
  const rows = size / s;
  const out: AxisPhases = { rows, first: [], taps: [], before: [], after: [] };
  for (let e = 0; e < s; e++) {
    const p = (e + top) % s;
    const c = Math.floor((e + top) / s);
    const taps = Math.ceil((filter - p) / s);
    const before = taps - 1 - c;
    const after = rows + taps - 1 - dyLen - before;
    if (taps < 1 || before < 0 || after < 0) return null;
    out.first.push(p);
    out.taps.push(taps);
    out.before.push(before);
    out.after.push(after);
  }
  return out;
}

/**
 * Phase filters [taps_h, taps_w, Co, Ci], one per (e_h, e_w), row-major: tap (t, u) of phase
 * (e_h, e_w) is W[first_h + (taps_h-1-t)*sh, first_w + (taps_w-1-u)*sw, :, :] transposed to
 * [Co, Ci].
 */
function makePhaseFilters(
  backend: BackendWasm,
  filter: TensorInfo,
  ph: AxisPhases,
  pw: AxisPhases,
  sh: number,
  sw: number,
): TensorInfo[] {
  const [, fw, ci, co] = filter.shape;
  const out: TensorInfo[] = [];
  for (let eh = 0; eh < sh; eh++) {
    for (let ew = 0; ew < sw; ew++)
      out.push(backend.makeOutput([ph.taps[eh], pw.taps[ew], co, ci], 'float32'));
  }
  // Heap views only after the last allocation: growing the wasm memory detaches earlier views.
  const w = backend.typedArrayFromHeap(filter) as Float32Array;
  for (let eh = 0; eh < sh; eh++) {
    for (let ew = 0; ew < sw; ew++) {
      const th = ph.taps[eh];
      const tw = pw.taps[ew];
      const d = backend.typedArrayFromHeap(out[eh * sw + ew]) as Float32Array;
      for (let t = 0; t < th; t++) {
        const i = ph.first[eh] + (th - 1 - t) * sh;
        for (let u = 0; u < tw; u++) {
          const j = pw.first[ew] + (tw - 1 - u) * sw;
          transposeBlock(w, (i * fw + j) * ci * co, ci, co, d, (t * tw + u) * co * ci);
        }
      }
    }
  }
  return out;
}

/** dst[c * rows + r] = src[r * cols + c] for an rows x cols block. */
function transposeBlock(
  src: Float32Array,
  srcOffset: number,
  rows: number,
  cols: number,
  dst: Float32Array,
  dstOffset: number,
): void {
  for (let r = 0; r < rows; r++) {
    const s = srcOffset + r * cols;
    for (let c = 0; c < cols; c++) dst[dstOffset + c * rows + r] = src[s + c];
  }
}

/**
 * Combined filter [kh, kw, Co, sh*sw*Ci]: channel (p*sw + r)*Ci + ci of tap (m, n) is
 * W[p + (kh-1-m)*sh, r + (kw-1-n)*sw, ci, :], zero beyond the real filter.
 */
function makeCombinedFilter(
  backend: BackendWasm,
  filter: TensorInfo,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
): TensorInfo {
  const [filterHeight, filterWidth, inChannels, outChannels] = filter.shape;
  const outC = sh * sw * inChannels;
  const combined = backend.makeOutput([kh, kw, outChannels, outC], 'float32');
  const w = backend.typedArrayFromHeap(filter) as Float32Array;
  const f = backend.typedArrayFromHeap(combined) as Float32Array;
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
  return combined;
}

/**
 * Output channels below which the stride phases share one convolution (the combined form):
 * XNNPACK computes output channels in register tiles of 8, so a phase convolution with 1 or 3
 * channels wastes most of each tile, more than the combined form's extra rows. Measured 4x4
 * stride 2: 1 channel 4.3 ms per-phase vs 1.65 combined, 3 channels 0.77 vs 0.42, 8 channels 1.3
 * vs 1.55.
 */
const PHASES_MIN_CHANNELS = 8;

/**
 * Conv2DBackpropInput (conv2dTranspose's forward pass and every conv2d's input gradient) as
 * XNNPACK convolutions over dy. The wasm kernel this replaces is a naive loop (77 ms vs ~16 ms for
 * dy [64,7,7,64], 4x4 filter, stride 2 -> [64,14,14,32]).
 *
 * dx[h] = sum over k of dy[q - k] * W[p + k*s], where h + top = q*s + p (per spatial axis): each
 * stride phase p is a stride-1 convolution of dy with a flipped sub-filter.
 * - Phase form (enough channels, dx a whole number of phase periods): one convolution per phase,
 *   each computing exactly its dx pixels, interleaved by one concat and one transpose.
 * - Combined form: all phases stacked as the output channels of ONE convolution over the phase
 *   grid, then interleaved and cropped. The grid has a row and a column more than each phase needs
 *   ('same' 4x4 stride 2: 8x8 positions for 7x7, 31% extra work), hence the phase form above.
 * Both rearranged filters are cached per filter buffer (wasm-derived.ts), so repeated calls with
 * the same weights (sampling from G, G's forward twice per training step) skip building them and
 * XNNPACK keeps its packed copy. NCHW and non-float32 keep the original kernel.
 */
export function fastConv2DBackpropInput(original: tf.KernelFunc): tf.KernelFunc {
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
    if (info.inChannels >= PHASES_MIN_CHANNELS) {
      const ph = axisPhases(
        info.inHeight,
        info.outHeight,
        info.filterHeight,
        info.strideHeight,
        info.padInfo.top,
      );
      const pw = axisPhases(
        info.inWidth,
        info.outWidth,
        info.filterWidth,
        info.strideWidth,
        info.padInfo.left,
      );
      if (ph && pw) return inputGradPhases(backend, dy, filter, info, ph, pw);
    }
    return inputGradCombined(backend, dy, filter, info);
  };
}

function inputGradPhases(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  info: Conv2DInfo,
  ph: AxisPhases,
  pw: AxisPhases,
): TensorInfo {
  const { batchSize, inChannels, strideHeight: sh, strideWidth: sw } = info;
  const key = `phases ${filter.shape} ${sh} ${sw} ${info.padInfo.top} ${info.padInfo.left}`;
  const filters = derived(backend, filter, key, () => makePhaseFilters(backend, filter, ph, pw, sh, sw));
  const temps = new Temps(backend);
  try {
    // Phase outputs [N, rows, cols, Ci], concatenated along the batch (one copy each; the wasm
    // Concat copies row by row along inner axes) in (e_w, e_h) order: [sw, sh, N, rows, cols, Ci].
    const parts: TensorInfo[] = [];
    for (let ew = 0; ew < sw; ew++) {
      for (let eh = 0; eh < sh; eh++) {
        const pad: Pad2D = [
          [0, 0],
          [ph.before[eh], ph.after[eh]],
          [pw.before[ew], pw.after[ew]],
          [0, 0],
        ];
        parts.push(temps.keep(conv2d(backend, dy, filters[eh * sw + ew], pad)));
      }
    }
    if (parts.length === 1) return temps.release(parts[0]);
    const { rows } = ph;
    const cols = pw.rows;
    let y = temps.keep(
      runWasmKernel(tf.Concat, backend, parts as unknown as tf.NamedTensorInfoMap, { axis: 0 }),
    );
    // Two transposes of rank <= 4 (wasm's rank-5/6 transposes are ~30x slower per element):
    // [sw, sh, N*rows, cols*Ci] -> [sw, N*rows, sh, cols*Ci], then
    // [sw, N*rows*sh*cols, Ci] -> [N*rows*sh*cols, sw, Ci] = [N, rows*sh, cols*sw, Ci].
    if (sh > 1) {
      const y4 = temps.keep(reshape(backend, y, [sw, sh, batchSize * rows, cols * inChannels]));
      y = temps.keep(transpose(backend, y4, [0, 2, 1, 3]));
    }
    if (sw > 1) {
      const y3 = temps.keep(reshape(backend, y, [sw, batchSize * rows * sh * cols, inChannels]));
      y = temps.keep(transpose(backend, y3, [1, 0, 2]));
    }
    return reshape(backend, y, [batchSize, rows * sh, cols * sw, inChannels]);
  } finally {
    temps.dispose();
  }
}

function inputGradCombined(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  info: Conv2DInfo,
): TensorInfo {
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
  const outC = phases * inChannels;
  const [combined] = derived(backend, filter, `combined ${filter.shape} ${sh} ${sw}`, () => [
    makeCombinedFilter(backend, filter, kh, kw, sh, sw),
  ]);

  const temps = new Temps(backend);
  try {
    let dyc = dy;
    if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
      const top = Math.max(-padTop, 0);
      const left = Math.max(-padLeft, 0);
      const h = outHeight + Math.min(padBottom, 0) - top;
      const wd = outWidth + Math.min(padRight, 0) - left;
      dyc = temps.keep(
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
    const y = temps.keep(conv2d(backend, dyc, combined, explicitPad));
    const rows = q1 - q0;
    const cols = r1 - r0;
    if (!tf.util.arraysEqual(y.shape, [batchSize, rows, cols, outC])) {
      throw new Error(
        `Conv2DBackpropInput (wasm): got [${y.shape}], expected [${[batchSize, rows, cols, outC]}]`,
      );
    }
    // dx[n, h, w, :] = y[n, qh - q0, qw - r0, (p*sw + r)*Ci : ...] with h + top = qh*sh + p.
    // A JS loop: the wasm Slice copies one innermost row at a time (slow for few channels), and
    // this also saves the transpose.
    const dx = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
    const src = backend.typedArrayFromHeap(y) as Float32Array;
    const dst = backend.typedArrayFromHeap(dx) as Float32Array;
    const { top, left } = info.padInfo;
    let o = 0;
    for (let n = 0; n < batchSize; n++) {
      for (let h = 0; h < inHeight; h++) {
        const qh = Math.floor((h + top) / sh);
        const p = h + top - qh * sh;
        const rowBase = (n * rows + qh - q0) * cols;
        for (let w = 0; w < inWidth; w++) {
          const qw = Math.floor((w + left) / sw);
          const r = w + left - qw * sw;
          let s = (rowBase + qw - r0) * outC + (p * sw + r) * inChannels;
          for (let c = 0; c < inChannels; c++) dst[o++] = src[s++];
        }
      }
    }
    return dx;
  } finally {
    temps.dispose();
  }
}
