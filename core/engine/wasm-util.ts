/**
 * Helpers for the kernels we register on the wasm backend: calling other wasm kernels through the
 * registry (so we depend only on their public contract) and freeing kernel temporaries.
 */

import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

export type TensorInfo = tf.TensorInfo;
export type KernelArgs = Parameters<tf.KernelFunc>[0];
export type Pad2D = [[number, number], [number, number], [number, number], [number, number]];

export const BACKEND = 'wasm';

/** Runs another wasm kernel through the registry. */
export function runWasmKernel(
  name: string,
  backend: BackendWasm,
  inputs: tf.NamedTensorInfoMap,
  attrs: object,
): TensorInfo {
  const kernel = tf.getKernel(name, BACKEND);
  if (!kernel) throw new Error(`wasm kernel '${name}' is not registered`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return runWasmKernel(tf.Transpose, backend, { x }, { perm });
}

/** Shares x's buffer (the backend counts the reference), like the wasm Reshape kernel. */
export function reshape(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return runWasmKernel(tf.Reshape, backend, { x }, { shape });
}

/** NHWC stride-1 convolution with explicit padding (XNNPACK). */
export function conv2d(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  pad: Pad2D,
  dilations: [number, number] = [1, 1],
): TensorInfo {
  return runWasmKernel(
    tf.Conv2D,
    backend,
    { x, filter },
    { strides: [1, 1], pad, dataFormat: 'NHWC', dilations, dimRoundingMode: undefined },
  );
}

/** Collects kernel temporaries and frees them (the kernel's result must not be among them). */
export class Temps {
  private readonly list: TensorInfo[] = [];

  constructor(private readonly backend: BackendWasm) {}

  keep(t: TensorInfo): TensorInfo {
    this.list.push(t);
    return t;
  }

  /** Stops tracking t, e.g. because it becomes the kernel's output. */
  release(t: TensorInfo): TensorInfo {
    const i = this.list.indexOf(t);
    if (i >= 0) this.list.splice(i, 1);
    return t;
  }

  dispose(): void {
    for (const t of this.list) this.backend.disposeData(t.dataId);
    this.list.length = 0;
  }
}
