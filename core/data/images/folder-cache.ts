import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageSet } from './types';

const MAGIC = 'GSIC'; // GAN Studio image cache
const VERSION = 1;

/** Everything that changes the decoded arrays; any change gives a different cache file. */
export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

export function cachePath(cacheDir: string, key: string): string {
  return join(cacheDir, `images-${key}.bin`);
}

interface Header {
  name: string;
  height: number;
  width: number;
  channels: 1 | 3;
  count: number;
  labels?: number[];
  classNames?: string[];
  skipped?: { file: string; reason: string }[];
}

/**
 * Layout: 'GSIC', u32 version, u32 header length, JSON header, zero padding to a multiple of 4,
 * then the images as little-endian float32 [count, height, width, channels].
 * A cache that cannot be read for any reason returns undefined: the caller decodes again.
 */
export async function readCachedSet(file: string): Promise<ImageSet | undefined> {
  if (!isLittleEndian()) return undefined;
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch {
    return undefined;
  }
  try {
    if (buf.length < 12 || buf.toString('latin1', 0, 4) !== MAGIC || buf.readUInt32LE(4) !== VERSION)
      return undefined;
    const headerLen = buf.readUInt32LE(8);
    const header = JSON.parse(buf.toString('utf8', 12, 12 + headerLen)) as Header;
    const dataStart = align4(12 + headerLen);
    const n = header.count * header.height * header.width * header.channels;
    if (buf.length !== dataStart + n * 4) return undefined;
    const images = new Float32Array(n);
    // Copy (not view) so the array is aligned and independent of the file buffer.
    new Uint8Array(images.buffer).set(buf.subarray(dataStart, dataStart + n * 4));
    const set: ImageSet = {
      name: header.name,
      height: header.height,
      width: header.width,
      channels: header.channels,
      count: header.count,
      images,
    };
    if (header.labels) set.labels = Int32Array.from(header.labels);
    if (header.classNames) set.classNames = header.classNames;
    if (header.skipped) set.skipped = header.skipped;
    return set;
  } catch {
    return undefined;
  }
}

/** Best effort: written to a temp name and renamed, so readers never see half a file. */
export async function writeCachedSet(file: string, cacheDir: string, set: ImageSet): Promise<boolean> {
  if (!isLittleEndian()) return false; // the format is little-endian; skip caching elsewhere
  const header: Header = {
    name: set.name,
    height: set.height,
    width: set.width,
    channels: set.channels,
    count: set.count,
    labels: set.labels ? Array.from(set.labels) : undefined,
    classNames: set.classNames,
    skipped: set.skipped,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const dataStart = align4(12 + json.length);
  const out = Buffer.alloc(dataStart + set.images.byteLength);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  Buffer.from(set.images.buffer, set.images.byteOffset, set.images.byteLength).copy(out, dataStart);
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(cacheDir, { recursive: true });
    await writeFile(tmp, out);
    await rename(tmp, file);
    return true;
  } catch {
    await unlink(tmp).catch(() => {});
    return false;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}
