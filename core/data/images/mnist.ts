import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ImageSet } from './types';

export type MnistSplit = 'train' | 'test' | 'all';

export interface MnistOptions {
  split: MnistSplit;
  /** 28 = as shipped; 32 = padded with 2 background pixels per side (no resampling blur). */
  size?: 28 | 32;
}

export const MNIST_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const MNIST_TOTAL = 10_000;
export const MNIST_TEST_COUNT = 2_000;
export const MNIST_TRAIN_COUNT = MNIST_TOTAL - MNIST_TEST_COUNT;
const SIDE = 28;
const PIXELS = SIDE * SIDE;

interface RawMnist {
  bytes: Uint8Array; // [10000, 28, 28] grayscale 0..255, grouped by class in package order
  labels: Int32Array; // [10000]
  splits: Record<MnistSplit, Int32Array>; // indices into bytes, in presentation order
}

let raw: RawMnist | undefined;
const sets = new Map<string, ImageSet>();

/**
 * The `mnist` package's 10,000 digits with a fixed 8,000 / 2,000 split.
 *
 * Split: stratified by class. Within each class the package's order is kept; the last 20% of
 * each class is test (per-class counts rounded by largest remainder so the totals are exactly
 * 8,000 / 2,000). Within a split, images are interleaved round-robin across classes (0,1,...,9,
 * 0,1,...) so any prefix is class-balanced; shuffle with the training RNG, not here.
 *
 * The result is cached per process and shared between calls: treat its arrays as read-only.
 */
export function loadMnist(opts: MnistOptions): ImageSet {
  const size = opts.size ?? 28;
  if (size !== 28 && size !== 32) throw new Error(`MNIST size must be 28 or 32, got ${size}`);
  if (opts.split !== 'train' && opts.split !== 'test' && opts.split !== 'all') {
    throw new Error(`MNIST split must be 'train', 'test' or 'all', got '${opts.split}'`);
  }
  const key = `${opts.split}:${size}`;
  const cached = sets.get(key);
  if (cached) return cached;
  const data = loadRaw();
  const order = data.splits[opts.split];
  const set = buildSet(data, order, size);
  sets.set(key, set);
  return set;
}

function buildSet(data: RawMnist, order: Int32Array, size: 28 | 32): ImageSet {
  const count = order.length;
  const pad = (size - SIDE) / 2;
  const images = new Float32Array(count * size * size); // [N, size, size, 1]
  if (pad > 0) images.fill(-1); // padding is background
  const labels = new Int32Array(count);
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = (v / 255) * 2 - 1;
  const bytes = data.bytes;
  const srcLabels = data.labels;
  for (let n = 0; n < count; n++) {
    const idx = order[n];
    labels[n] = srcLabels[idx];
    let src = idx * PIXELS;
    let dst = n * size * size + pad * size + pad;
    for (let y = 0; y < SIDE; y++, dst += size) {
      for (let x = 0; x < SIDE; x++) images[dst + x] = lut[bytes[src++]];
    }
  }
  return {
    name: 'mnist',
    height: size,
    width: size,
    channels: 1,
    count,
    images,
    labels,
    classNames: [...MNIST_CLASS_NAMES],
  };
}

function loadRaw(): RawMnist {
  if (raw) return raw;
  const pkgDir = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  const perClass: Uint8Array[] = [];
  let total = 0;
  for (let d = 0; d < 10; d++) {
    const file = join(pkgDir, 'src', 'digits', `${d}.json`);
    const digits = parseDigitFile(readFileSync(file), file);
    perClass.push(digits);
    total += digits.length / PIXELS;
  }
  if (total !== MNIST_TOTAL) throw new Error(`mnist package has ${total} digits, expected ${MNIST_TOTAL}`);
  const bytes = new Uint8Array(total * PIXELS);
  const labels = new Int32Array(total);
  const classStart: number[] = [];
  let offset = 0;
  for (let d = 0; d < 10; d++) {
    classStart.push(offset);
    bytes.set(perClass[d], offset * PIXELS);
    const n = perClass[d].length / PIXELS;
    labels.fill(d, offset, offset + n);
    offset += n;
  }
  const counts = perClass.map((c) => c.length / PIXELS);
  const testCounts = largestRemainder(counts, MNIST_TEST_COUNT);
  const trainLists: number[][] = [];
  const testLists: number[][] = [];
  const allLists: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const nTrain = counts[d] - testCounts[d];
    const idx = Array.from({ length: counts[d] }, (_, i) => classStart[d] + i);
    trainLists.push(idx.slice(0, nTrain));
    testLists.push(idx.slice(nTrain));
    allLists.push(idx);
  }
  raw = {
    bytes,
    labels,
    splits: { train: roundRobin(trainLists), test: roundRobin(testLists), all: roundRobin(allLists) },
  };
  return raw;
}

/**
 * The package stores each class as `{ "data": [0,0,0.2,0.624,...] }`: 784 numbers per digit,
 * each a byte/255 printed with 3 decimals. Scanning the bytes directly is ~4x faster than
 * JSON.parse (which builds a 2M-element JS array per class) and recovers the exact bytes.
 */
function parseDigitFile(buf: Uint8Array, file: string): Uint8Array {
  const bad = (what: string) => new Error(`${file}: ${what}; unexpected mnist package format`);
  const out = new Uint8Array(buf.length >> 1); // every number takes at least 2 chars ("0,")
  let k = 0;
  let i = buf.indexOf(0x5b) + 1; // '['
  if (i === 0) throw bad("no '[' found");
  const n = buf.length;
  while (i < n) {
    let c = buf[i];
    // Most pixels are background: "0," needs no arithmetic.
    if (c === 0x30 && buf[i + 1] !== 0x2e) {
      out[k++] = 0;
      i += buf[i + 1] === 0x2c ? 2 : 1;
      continue;
    }
    if (c < 0x30 || c > 0x39) {
      if (c === 0x5d) break; // ']'
      if (c !== 0x2c && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        throw bad(`unexpected character '${String.fromCharCode(c)}' at byte ${i}`);
      }
      i++;
      continue;
    }
    let intPart = 0;
    while (c >= 0x30 && c <= 0x39) {
      intPart = intPart * 10 + c - 0x30;
      c = buf[++i];
    }
    let frac = 0;
    let scale = 1;
    if (c === 0x2e) {
      c = buf[++i];
      while (c >= 0x30 && c <= 0x39) {
        frac = frac * 10 + c - 0x30;
        scale *= 10;
        c = buf[++i];
      }
    }
    const v = intPart + frac / scale;
    if (v > 1) throw bad(`value ${v} outside [0, 1]`);
    out[k++] = Math.round(v * 255);
  }
  if (k === 0 || k % PIXELS !== 0) throw bad(`${k} values is not a whole number of 28×28 digits`);
  return out.slice(0, k);
}

/** Splits `total` across classes proportionally; ties go to the lower class index. */
function largestRemainder(counts: number[], total: number): number[] {
  const sum = counts.reduce((a, b) => a + b, 0);
  // Integer arithmetic so equal remainders compare equal.
  const out = counts.map((c) => Math.floor((c * total) / sum));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = counts.map((c, i) => ({ r: (c * total) % sum, i })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left-- <= 0) break;
    out[i]++;
  }
  return out;
}

function roundRobin(lists: number[][]): Int32Array {
  const out: number[] = [];
  const longest = Math.max(...lists.map((l) => l.length));
  for (let j = 0; j < longest; j++) for (const l of lists) if (j < l.length) out.push(l[j]);
  return Int32Array.from(out);
}
