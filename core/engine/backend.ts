/**
 * Picks the tfjs backend a run computes on: native TensorFlow with CUDA, native CPU
 * TensorFlow, WebAssembly, then pure JS. The native packages are optional (they fetch
 * libtensorflow at install time, which fails offline), so each is tried by dynamic import.
 */
import * as tf from './tf';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './wasm-kernels';
import { threadedWasmFailure, useThreadedWasm, wasmThreadCount } from './wasm-threads';

export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface ActiveBackend {
  /** tfjs backend name: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** What provides it, e.g. '@tensorflow/tfjs-node-gpu' or 'wasm (simd, 2 threads)'. */
  provider: string;
  /** Why backends earlier in the list were passed over. */
  skipped: string[];
}

let active: ActiveBackend | null = null;

async function tryNative(pkg: string): Promise<string | null> {
  try {
    await import(/* @vite-ignore */ pkg);
    if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but its backend did not initialise`;
    return null;
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return `${pkg}: ${msg.includes('Cannot find') || msg.includes('ERR_MODULE_NOT_FOUND') ? 'not installed' : msg}`;
  }
}

/**
 * Initialises the requested backend ('auto' walks the preference list) once per process.
 * `GAN_STUDIO_BACKEND` overrides 'auto'; `GAN_STUDIO_WASM_THREADS` sets wasm's thread count. Throws a one-line error if an explicit choice fails.
 */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<ActiveBackend> {
  const envChoice = process.env.GAN_STUDIO_BACKEND as BackendChoice | undefined;
  if (choice === 'auto' && envChoice) {
    if (!BACKEND_CHOICES.includes(envChoice)) {
      throw new Error(
        `GAN_STUDIO_BACKEND=${envChoice} is not a backend; use one of ${BACKEND_CHOICES.join(', ')}`,
      );
    }
    choice = envChoice;
  }
  if (
    active &&
    (choice === 'auto' || active.name === choice.replace('-gpu', '') || active.provider === choice)
  ) {
    return active;
  }
  const wasmThreads = wasmThreadCount(); // validates GAN_STUDIO_WASM_THREADS up front
  const skipped: string[] = [];
  const order: BackendChoice[] =
    choice === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [choice];
  for (const candidate of order) {
    let failure: string | null = null;
    let provider = candidate as string;
    if (candidate === 'tensorflow-gpu') {
      provider = '@tensorflow/tfjs-node-gpu';
      failure = await tryNative(provider);
    } else if (candidate === 'tensorflow') {
      provider = '@tensorflow/tfjs-node';
      failure = await tryNative(provider);
    } else {
      try {
        if (candidate === 'wasm') useThreadedWasm(wasmThreads);
        if (!(await tf.setBackend(candidate))) failure = `${candidate}: failed to initialise`;
        else await tf.ready();
      } catch (err) {
        failure = `${candidate}: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (!failure && candidate === 'wasm') {
        registerWasmKernels();
        provider = await wasmProvider();
        const threadsFailure = threadedWasmFailure();
        if (threadsFailure) skipped.push(`wasm threads: ${threadsFailure}`);
      }
    }
    if (!failure) {
      active = { name: tf.getBackend(), provider, skipped };
      return active;
    }
    skipped.push(failure);
  }
  throw new Error(
    `backend '${choice}' is not available here (${skipped.join('; ')}); try --set backend=auto`,
  );
}

/** 'wasm (simd, 2 threads)' and the like: what the wasm backend runs with. */
async function wasmProvider(): Promise<string> {
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = getThreadsCount();
  const features = [simd ? 'simd' : null, `${threads} thread${threads === 1 ? '' : 's'}`].filter(Boolean);
  return `wasm (${features.join(', ')})`;
}

export function activeBackend(): ActiveBackend | null {
  return active;
}
