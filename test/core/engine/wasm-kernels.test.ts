import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs union package normally does).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import { measureMatmulGflops, registerWasmKernels } from '../../../core/engine/wasm-kernels';

type Backend = 'cpu' | 'wasm';
type Result = { shape: number[]; values: Float32Array };
type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** Deterministic host data, so both backends see identical inputs. */
function data(seed: number, shape: number[]): { values: Float32Array; shape: number[] } {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  new Rng(seed).fillUniform(values, -1, 1);
  return { values, shape };
}

function t(seed: number, shape: number[]): tf.Tensor {
  const d = data(seed, shape);
  return tf.tensor(d.values, d.shape);
}

async function on(backend: Backend, fn: () => tf.Tensor | tf.Tensor[]): Promise<Result[]> {
  await tf.setBackend(backend);
  // Kernel temporaries live below the engine's tensor count, so check the backend's buffers too.
  const buffers = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  const before = [tf.memory().numTensors, buffers()];
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const results = list.map((r) => ({ shape: r.shape.slice(), values: r.dataSync() as Float32Array }));
  tf.dispose(list);
  expect([tf.memory().numTensors, buffers()]).toEqual(before);
  return results;
}

function expectClose(actual: Result[], expected: Result[], tol = 1e-3): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(actual[i].shape).toEqual(expected[i].shape);
    const e = expected[i].values;
    const a = actual[i].values;
    let worst = 0;
    for (let k = 0; k < e.length; k++) {
      worst = Math.max(worst, Math.abs(a[k] - e[k]) / (1 + Math.abs(e[k])));
    }
    expect(worst, `output ${i}`).toBeLessThan(tol);
  }
}

/** Runs fn on cpu (reference) and on wasm and compares the results. */
async function sameOnBoth(fn: () => tf.Tensor | tf.Tensor[], tol?: number): Promise<void> {
  const cpu = await on('cpu', fn);
  const wasm = await on('wasm', fn);
  expectClose(wasm, cpu, tol);
}

/**
 * leakyRelu's own gradient goes through tf.greater, which has no gradient in tfjs-core, so a
 * second derivative through tf.leakyRelu fails on every backend (tf.maximum likewise, via tf.less).
 * relu's gradient goes through tf.step, which has one, hence a*x + (1-a)*relu(x).
 */
function leaky(x: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(x, 0.2), tf.mul(tf.relu(x), 0.8));
}

function convOutSize(size: number, filter: number, stride: number, pad: 'same' | 'valid'): number {
  return pad === 'same' ? Math.ceil(size / stride) : Math.ceil((size - filter + 1) / stride);
}

describe('registerWasmKernels', () => {
  it('registers before the wasm backend is active, keeps setup, and is idempotent', async () => {
    const original = tf.getKernel(tf.BatchMatMul, 'wasm');
    expect(original).toBeDefined();
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeUndefined();

    registerWasmKernels();
    const wrapped = tf.getKernel(tf.BatchMatMul, 'wasm');
    expect(wrapped).not.toBe(original);
    expect(wrapped?.setupFunc).toBe(original?.setupFunc);
    const filterGrad = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm');
    expect(filterGrad).toBeDefined();

    expect(await tf.setBackend('wasm')).toBe(true);
    registerWasmKernels();
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')).toBe(wrapped);
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBe(filterGrad);
    const r = tf.matMul(tf.ones([2, 3]), tf.ones([4, 3]), false, true);
    expect(Array.from(r.dataSync())).toEqual(new Array(8).fill(3));
  });
});

describe('wasm kernels match cpu', () => {
  beforeAll(() => registerWasmKernels());

  it('fails without the Conv2DBackpropFilter kernel and works with it', async () => {
    await tf.setBackend('wasm');
    const x = t(1, [1, 5, 5, 2]) as tf.Tensor4D;
    const filterGrad = () =>
      tf.tidy(() =>
        tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(x, f as tf.Tensor4D, 1, 'same')))(t(2, [3, 3, 2, 2])),
      );
    const ours = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')!;
    tf.unregisterKernel(tf.Conv2DBackpropFilter, 'wasm');
    try {
      expect(filterGrad).toThrow(/Conv2DBackpropFilter/);
    } finally {
      tf.registerKernel(ours);
    }
    expect(filterGrad().shape).toEqual([3, 3, 2, 2]);
    x.dispose();
  });

  it('matMul: all transpose combinations, 2D and batched 3D', async () => {
    const shapes: Array<[number[], number[]]> = [
      [
        [5, 7],
        [7, 3],
      ],
      [
        [1, 6, 4],
        [1, 4, 9],
      ],
      [
        [3, 6, 4],
        [3, 4, 5],
      ],
      [
        [2, 1, 3, 8],
        [2, 1, 8, 2],
      ],
    ];
    for (const [sa, sb] of shapes) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const shapeA = ta ? [...sa.slice(0, -2), sa[sa.length - 1], sa[sa.length - 2]] : sa;
          const shapeB = tb ? [...sb.slice(0, -2), sb[sb.length - 1], sb[sb.length - 2]] : sb;
          await sameOnBoth(() => tf.matMul(t(3, shapeA), t(4, shapeB), ta, tb));
        }
      }
    }
  });

  it('fused matMul with bias and activation, all transpose combinations', async () => {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        await sameOnBoth(() =>
          tf.fused.matMul({
            a: t(5, transposeA ? [6, 4] : [4, 6]) as tf.Tensor2D,
            b: t(6, transposeB ? [5, 6] : [6, 5]) as tf.Tensor2D,
            transposeA,
            transposeB,
            bias: t(7, [5]),
            activation: 'leakyrelu',
            leakyreluAlpha: 0.2,
          }),
        );
      }
    }
  });

  it('gradients of a 2-layer MLP loss (tf.grads and tf.variableGrads)', async () => {
    const mlp = (x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor) => {
      const h = tf.leakyRelu(tf.add(tf.matMul(x, w1), b1), 0.2);
      const logits = tf.add(tf.matMul(h, w2), b2);
      return tf.add(tf.mean(tf.softplus(tf.neg(logits))), tf.mean(tf.square(tf.tanh(h))));
    };
    await sameOnBoth(() =>
      tf.grads((x, w1, b1, w2, b2) => mlp(x, w1, b1, w2, b2))([
        t(10, [16, 5]),
        t(11, [5, 12]),
        t(12, [12]),
        t(13, [12, 1]),
        t(14, [1]),
      ]),
    );
    await sameOnBoth(() => {
      const vars = [t(11, [5, 12]), t(12, [12]), t(13, [12, 1]), t(14, [1])].map((v) => tf.variable(v));
      const x = t(10, [16, 5]);
      const { value, grads } = tf.variableGrads(
        () => mlp(x, vars[0], vars[1], vars[2], vars[3]) as tf.Scalar,
        vars,
      );
      const out = [value, ...vars.map((v) => grads[v.name])];
      tf.dispose(vars);
      return out;
    });
  });

  it('second-order gradient (R1-style penalty) through an MLP with sigmoid', async () => {
    await sameOnBoth(() => {
      const x = t(20, [8, 3]);
      return tf.grads((w1: tf.Tensor, w2: tf.Tensor) => {
        const d = (input: tf.Tensor) => tf.sum(tf.sigmoid(tf.matMul(leaky(tf.matMul(input, w1)), w2)));
        return tf.sum(tf.square(tf.grad(d)(x)));
      })([t(21, [3, 10]), t(22, [10, 1])]);
    });
  });

  describe('conv2d gradients w.r.t. input and filter', () => {
    for (const stride of [1, 2]) {
      for (const pad of ['same', 'valid'] as const) {
        for (const size of [7, 8]) {
          for (const inC of [1, 3]) {
            it(`stride ${stride}, ${pad}, ${size}x${size}, ${inC} channel(s)`, async () => {
              await sameOnBoth(() =>
                tf.grads((x: tf.Tensor, f: tf.Tensor) =>
                  tf.sum(tf.tanh(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad))),
                )([t(30, [2, size, size, inC]), t(31, [3, 3, inC, 4])]),
              );
            });
          }
        }
      }
    }

    it('even 4x4 filter, stride 2, rectangular input and non-square stride', async () => {
      for (const [stride, pad] of [
        [2, 'same'],
        [2, 'valid'],
        [[2, 1], 'same'],
      ] as Array<[number | [number, number], 'same' | 'valid']>) {
        await sameOnBoth(() =>
          tf.grads((x: tf.Tensor, f: tf.Tensor) =>
            tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad))),
          )([t(32, [3, 9, 6, 2]), t(33, [4, 4, 2, 3])]),
        );
      }
    });

    it('explicit numeric padding', async () => {
      const pads: Pad[] = [
        [
          [0, 0],
          [1, 2],
          [2, 0],
          [0, 0],
        ],
        [
          [0, 0],
          [0, 0],
          [3, 1],
          [0, 0],
        ],
        // Padding wider than the filter: some dy rows/columns reach no input pixel.
        [
          [0, 0],
          [4, 0],
          [1, 4],
          [0, 0],
        ],
      ];
      for (const pad of pads) {
        for (const stride of [1, 2]) {
          await sameOnBoth(() =>
            tf.grads((x: tf.Tensor, f: tf.Tensor) =>
              tf.sum(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad)),
            )([t(34, [2, 7, 8, 3]), t(35, [3, 3, 3, 2])]),
          );
        }
      }
    });

    it('Conv2DBackpropFilter kernel with NCHW data', async () => {
      const run = () =>
        tf
          .engine()
          .runKernel(
            tf.Conv2DBackpropFilter,
            { x: t(36, [2, 3, 7, 7]), dy: t(37, [2, 4, 4, 4]) },
            { strides: [2, 2], pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] },
          ) as tf.Tensor;
      await sameOnBoth(run);
    });
  });

  it('conv2d gradients with filters larger or smaller than the stride', async () => {
    for (const [filter, stride, pad] of [
      [5, 2, 'same'],
      [5, 3, 'valid'],
      [2, 3, 'same'],
      [1, 2, 'valid'],
      [4, [1, 3], 'same'],
    ] as Array<[number, number | [number, number], 'same' | 'valid']>) {
      await sameOnBoth(() =>
        tf.grads((x: tf.Tensor, f: tf.Tensor) =>
          tf.sum(tf.tanh(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad))),
        )([t(38, [2, 11, 10, 2]), t(39, [filter, filter, 2, 3])]),
      );
    }
  });

  it('Conv2DBackpropInput kernel: NHWC values and the NCHW fallback', async () => {
    await sameOnBoth(() =>
      tf.conv2dTranspose(
        t(42, [3, 5, 6, 8]) as tf.Tensor4D,
        t(43, [4, 4, 3, 8]) as tf.Tensor4D,
        [3, 10, 12, 3],
        2,
        'same',
      ),
    );
    await sameOnBoth(
      () =>
        tf
          .engine()
          .runKernel(
            tf.Conv2DBackpropInput,
            { dy: t(44, [2, 4, 4, 4]), filter: t(45, [3, 3, 3, 4]) },
            { strides: [2, 2], pad: 'same', dataFormat: 'NCHW', inputShape: [2, 3, 7, 7] },
          ) as tf.Tensor,
    );
  });

  describe('conv2dTranspose gradients w.r.t. input and filter', () => {
    for (const stride of [1, 2]) {
      for (const pad of ['same', 'valid'] as const) {
        for (const size of [7, 8]) {
          for (const outC of [1, 3]) {
            it(`stride ${stride}, ${pad}, ${size}x${size} output, ${outC} channel(s)`, async () => {
              const inSize = convOutSize(size, 3, stride, pad);
              await sameOnBoth(() =>
                tf.grads((x: tf.Tensor, f: tf.Tensor) =>
                  tf.sum(
                    tf.tanh(
                      tf.conv2dTranspose(
                        x as tf.Tensor4D,
                        f as tf.Tensor4D,
                        [2, size, size, outC],
                        stride,
                        pad,
                      ),
                    ),
                  ),
                )([t(40, [2, inSize, inSize, 4]), t(41, [3, 3, outC, 4])]),
              );
            });
          }
        }
      }
    }
  });

  // 8+ input channels of Conv2DBackpropInput take the per-phase form (one convolution per stride
  // phase, interleaved) when dx is a whole number of stride periods, else the combined form.
  describe('gradients with 8+ channels (phase form of Conv2DBackpropInput)', () => {
    for (const stride of [1, 2]) {
      for (const pad of ['same', 'valid'] as const) {
        for (const size of [7, 8]) {
          it(`conv2d: stride ${stride}, ${pad}, ${size}x${size}, 8 channels, 4x4 filter`, async () => {
            await sameOnBoth(() =>
              tf.grads((x: tf.Tensor, f: tf.Tensor) =>
                tf.sum(tf.tanh(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad))),
              )([t(80, [2, size, size, 8]), t(81, [4, 4, 8, 5])]),
            );
          });
          it(`conv2dTranspose: stride ${stride}, ${pad}, ${size}x${size} output, 8 channels`, async () => {
            const inSize = convOutSize(size, 4, stride, pad);
            await sameOnBoth(() =>
              tf.grads((x: tf.Tensor, f: tf.Tensor) =>
                tf.sum(
                  tf.tanh(
                    tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [2, size, size, 8], stride, pad),
                  ),
                ),
              )([t(82, [2, inSize, inSize, 6]), t(83, [4, 4, 8, 6])]),
            );
          });
        }
      }
    }

    it('odd filters, filters smaller than the stride, non-square strides, explicit padding', async () => {
      const cases: Array<[number, number | [number, number], Pad, number[]]> = [
        [3, 2, 'same', [2, 8, 8, 8]],
        [5, 2, 'same', [2, 10, 6, 9]],
        [1, 2, 'valid', [2, 8, 8, 8]],
        [4, [2, 1], 'same', [2, 8, 5, 8]],
        [
          4,
          2,
          [
            [0, 0],
            [1, 2],
            [2, 1],
            [0, 0],
          ],
          [1, 9, 9, 8],
        ],
      ];
      for (const [k, stride, pad, xShape] of cases) {
        await sameOnBoth(() =>
          tf.grads((x: tf.Tensor, f: tf.Tensor) =>
            tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad))),
          )([t(84, xShape), t(85, [k, k, xShape[3], 3])]),
        );
      }
    });

    it('DCGAN-sized transposed convolution (batch 1 and 4, 4x4 stride 2, 16 -> 8 channels)', async () => {
      for (const n of [1, 4]) {
        await sameOnBoth(() =>
          tf.conv2dTranspose(
            t(86, [n, 4, 4, 16]) as tf.Tensor4D,
            t(87, [4, 4, 8, 16]) as tf.Tensor4D,
            [n, 8, 8, 8],
            2,
            'same',
          ),
        );
      }
    });
  });

  it('second-order gradient through a conv net (penalty on d/dx, differentiated w.r.t. filters)', async () => {
    await sameOnBoth(() => {
      const x = t(50, [2, 6, 6, 1]);
      return tf.grads((f1: tf.Tensor, f2: tf.Tensor) => {
        const d = (input: tf.Tensor) =>
          tf.sum(
            tf.conv2d(
              leaky(tf.conv2d(input as tf.Tensor4D, f1 as tf.Tensor4D, 2, 'same')) as tf.Tensor4D,
              f2 as tf.Tensor4D,
              1,
              'valid',
            ),
          );
        return tf.sum(tf.square(tf.grad(d)(x)));
      })([t(51, [3, 3, 1, 4]), t(52, [3, 3, 4, 1])]);
    });
  });

  it('batch-norm style statistics and activations', async () => {
    await sameOnBoth(() =>
      tf.grads((x: tf.Tensor) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2], true);
        const y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
        return tf.sum(tf.add(tf.sigmoid(y), tf.softplus(tf.leakyRelu(y, 0.2))));
      })([t(60, [2, 5, 5, 3])]),
    );
  });

  it('gather gradient (UnsortedSegmentSum)', async () => {
    await sameOnBoth(() =>
      tf.grads((x: tf.Tensor) =>
        tf.sum(tf.mul(tf.gather(x, tf.tensor1d([2, 0, 2, 1], 'int32')), t(71, [4, 3]))),
      )([t(70, [4, 3])]),
    );
  });

  it('measureMatmulGflops returns a positive rate', async () => {
    await tf.setBackend('wasm');
    const gflops = measureMatmulGflops();
    expect(Number.isFinite(gflops)).toBe(true);
    expect(gflops).toBeGreaterThan(0);
  });
});
