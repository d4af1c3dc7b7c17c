/**
 * Serialises a training state (plain JSON values plus Float32Arrays) into one binary blob:
 * a little header, the JSON with each array replaced by a reference, then the arrays' bytes.
 * One blob per checkpoint keeps the database write a single row in a single transaction.
 */
const MAGIC = 0x47414e53; // 'GANS'
const VERSION = 1;

interface ArrayRef {
  $f32: number; // index into the array table
}

export function encodeState(state: unknown): Uint8Array {
  const arrays: Float32Array[] = [];
  const json = JSON.stringify(state, (_key, value) => {
    if (value instanceof Float32Array) {
      arrays.push(value);
      return { $f32: arrays.length - 1 } satisfies ArrayRef;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new Error(`cannot save a non-finite number (${value}) in a checkpoint`);
    }
    return value;
  });
  const jsonBytes = new TextEncoder().encode(json);
  const tableBytes = 4 * arrays.length;
  // Arrays start on a 4-byte boundary so they can be viewed without copying on decode.
  const headerBytes = 16 + tableBytes + jsonBytes.length;
  const dataStart = Math.ceil(headerBytes / 4) * 4;
  const total = dataStart + arrays.reduce((s, a) => s + a.byteLength, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, arrays.length, true);
  view.setUint32(12, jsonBytes.length, true);
  for (let i = 0; i < arrays.length; i++) view.setUint32(16 + 4 * i, arrays[i].length, true);
  out.set(jsonBytes, 16 + tableBytes);
  let offset = dataStart;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  return out;
}

export function decodeState<T>(bytes: Uint8Array): T {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 16 || view.getUint32(0, true) !== MAGIC)
    throw new Error('not a GAN Studio checkpoint');
  const version = view.getUint32(4, true);
  if (version !== VERSION)
    throw new Error(`checkpoint format ${version} is not supported by this version of GAN Studio`);
  const count = view.getUint32(8, true);
  const jsonLength = view.getUint32(12, true);
  const lengths = Array.from({ length: count }, (_, i) => view.getUint32(16 + 4 * i, true));
  const jsonStart = 16 + 4 * count;
  const json = new TextDecoder().decode(bytes.subarray(jsonStart, jsonStart + jsonLength));
  let offset = Math.ceil((jsonStart + jsonLength) / 4) * 4;
  const arrays = lengths.map((len) => {
    // Copy: the blob's buffer belongs to the database driver.
    const a = new Float32Array(len);
    new Uint8Array(a.buffer).set(bytes.subarray(offset, offset + 4 * len));
    offset += 4 * len;
    return a;
  });
  if (offset !== bytes.byteLength) throw new Error('checkpoint is truncated or corrupt');
  return JSON.parse(json, (_key, value) =>
    value && typeof value === 'object' && typeof (value as ArrayRef).$f32 === 'number'
      ? arrays[(value as ArrayRef).$f32]
      : value,
  ) as T;
}
