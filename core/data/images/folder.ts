import { type DecodeLimits, decodeImage, imageFromBuffer, readImageBytes } from './decode';
import { ImageError, oneLine } from './errors';
import { cacheKey, cachePath, readCachedSet, writeCachedSet } from './folder-cache';
import { type FolderEntry, listFolder } from './folder-list';
import type { ImageChannels, ImageSet } from './types';

export interface ScanOptions extends DecodeLimits {
  /** Smallest accepted width and height in pixels (default 8). */
  minSide?: number;
  /** Largest accepted long side / short side (default 4): beyond that a center crop loses most of the image. */
  maxAspect?: number;
}

export interface PreflightReport {
  dir: string; // absolute
  usable: { file: string; label?: number }[];
  bad: { file: string; reason: string }[];
  classNames?: string[];
}

export const DEFAULT_MAX_ASPECT = 4;
/** Fewer usable images than this and training refuses the folder (loadFolder's default). */
export const DEFAULT_MIN_IMAGES = 32;

/**
 * Preflight: fully decodes every candidate file (so truncation is caught, not just bad headers)
 * and reports each one as usable or bad with a one-line reason. Never throws for a bad file;
 * throws a one-line Error only if `dir` is missing or not a folder.
 * Files are named relative to `dir` with '/' separators; one sub-folder per class gives labels.
 */
export async function scanFolder(dir: string, opts: ScanOptions = {}): Promise<PreflightReport> {
  const listing = await listFolder(dir);
  const limits = withDefaults(opts);
  const usable: PreflightReport['usable'] = [];
  const bad = [...listing.bad];
  await forEachFile(listing.entries, (entry, bytes) => {
    try {
      decodeImage(bytesOrThrow(bytes), limits);
      usable.push(
        entry.label === undefined ? { file: entry.file } : { file: entry.file, label: entry.label },
      );
    } catch (err) {
      bad.push({ file: entry.file, reason: reasonOf(err) });
    }
  });
  const report: PreflightReport = { dir: listing.dir, usable, bad: sortByFile(bad) };
  if (listing.classNames) report.classNames = listing.classNames;
  return report;
}

export interface LoadFolderOptions extends ScanOptions {
  size: number;
  channels: ImageChannels;
  /** Refuse with a one-line error if fewer usable images (default 32). */
  minImages?: number;
  /** If set, decoded arrays are also cached on disk here, keyed by file paths, sizes and mtimes. */
  cacheDir?: string;
  /** What transparent pixels are composited over (default 'white'). */
  background?: 'white' | 'black';
  onProgress?: (done: number, total: number) => void;
}

const memoryCache = new Map<string, ImageSet>();
// Decoded folders can be hundreds of MB; keep only the most recent few.
const MEMORY_CACHE_LIMIT = 3;

/**
 * Loads every usable image of a folder as [count, size, size, channels] in [-1, 1] (center crop,
 * box/bilinear resize). Bad files are listed in `skipped`, not fatal. Results are cached in
 * memory per process (shared arrays: treat as read-only) and, with `cacheDir`, on disk; any
 * change to a file's size or mtime, or to the options, misses the cache.
 */
export async function loadFolder(dir: string, opts: LoadFolderOptions): Promise<ImageSet> {
  const { size, channels } = opts;
  if (!Number.isInteger(size) || size < 1) throw new Error(`size must be a positive integer, got ${size}`);
  if (channels !== 1 && channels !== 3) throw new Error(`channels must be 1 or 3, got ${channels}`);
  const minImages = opts.minImages ?? DEFAULT_MIN_IMAGES;
  const listing = await listFolder(dir);
  const limits = withDefaults(opts);
  const background = opts.background ?? 'white';
  const key = cacheKey({
    v: 1,
    dir: listing.dir,
    files: listing.entries.map((e) => [e.file, e.size, e.mtimeMs, e.label ?? -1]),
    bad: listing.bad.map((b) => b.file),
    classNames: listing.classNames ?? null,
    size,
    channels,
    background,
    limits,
  });

  let set = memoryCache.get(key);
  if (!set && opts.cacheDir) set = await readCachedSet(cachePath(opts.cacheDir, key));
  if (!set) {
    set = await decodeFolder(listing.dir, listing.entries, listing.bad, listing.classNames, {
      size,
      channels,
      background,
      limits,
      onProgress: opts.onProgress,
    });
    if (opts.cacheDir) await writeCachedSet(cachePath(opts.cacheDir, key), opts.cacheDir, set);
  }
  remember(key, set);

  if (set.count < minImages) {
    const skipped = set.skipped?.length ?? 0;
    const note =
      skipped === 0
        ? 'no files were skipped'
        : `${skipped} ${skipped === 1 ? 'file was' : 'files were'} skipped: see the preflight report`;
    throw new Error(
      `folder ${listing.dir} has ${set.count} usable ${set.count === 1 ? 'image' : 'images'}; ` +
        `at least ${minImages} are needed (${note})`,
    );
  }
  return set;
}

/** Drops the in-memory folder cache (the disk cache is left alone). */
export function clearFolderCache(): void {
  memoryCache.clear();
}

function remember(key: string, set: ImageSet): void {
  memoryCache.delete(key); // re-insert so Map order is recency order
  memoryCache.set(key, set);
  while (memoryCache.size > MEMORY_CACHE_LIMIT) memoryCache.delete(memoryCache.keys().next().value as string);
}

async function decodeFolder(
  dir: string,
  entries: FolderEntry[],
  listingBad: { file: string; reason: string }[],
  classNames: string[] | undefined,
  o: {
    size: number;
    channels: ImageChannels;
    background: 'white' | 'black';
    limits: Required<Pick<ScanOptions, 'minSide' | 'maxAspect'>> & DecodeLimits;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<ImageSet> {
  const per = o.size * o.size * o.channels;
  // Sized for every candidate, trimmed at the end if some were skipped: avoids holding each
  // image twice (per-image arrays plus the concatenation).
  let images = new Float32Array(entries.length * per); // [N, size, size, C]
  const labels: number[] = [];
  const skipped = [...listingBad];
  let count = 0;
  let done = 0;
  await forEachFile(entries, (entry, bytes) => {
    try {
      const img = imageFromBuffer(bytesOrThrow(bytes), {
        size: o.size,
        channels: o.channels,
        background: o.background,
        ...o.limits,
      });
      images.set(img, count * per);
      labels.push(entry.label ?? 0);
      count++;
    } catch (err) {
      skipped.push({ file: entry.file, reason: reasonOf(err) });
    }
    o.onProgress?.(++done, entries.length);
  });
  if (count < entries.length) images = images.slice(0, count * per);
  const set: ImageSet = {
    name: `folder:${dir}`,
    height: o.size,
    width: o.size,
    channels: o.channels,
    count,
    images,
    skipped: sortByFile(skipped),
  };
  if (classNames) {
    set.labels = Int32Array.from(labels);
    set.classNames = classNames;
  }
  return set;
}

type Bytes = Buffer | ImageError;

/**
 * Visits entries in order while reading a few files ahead, so disk reads overlap the
 * (synchronous) decoding of the previous file.
 */
async function forEachFile(
  entries: FolderEntry[],
  visit: (entry: FolderEntry, bytes: Bytes) => void,
): Promise<void> {
  const AHEAD = 4;
  const read = (e: FolderEntry): Promise<Bytes> =>
    readImageBytes(e.abs).catch((err) =>
      err instanceof ImageError ? err : new ImageError('unreadable', `unreadable: ${oneLine(err)}`),
    );
  const pending: Promise<Bytes>[] = [];
  for (let i = 0; i < Math.min(AHEAD, entries.length); i++) pending.push(read(entries[i]));
  for (let i = 0; i < entries.length; i++) {
    const bytes = await pending[i];
    if (i + AHEAD < entries.length) pending.push(read(entries[i + AHEAD]));
    visit(entries[i], bytes);
    delete pending[i]; // let the buffer be collected
  }
}

function bytesOrThrow(bytes: Bytes): Buffer {
  if (bytes instanceof ImageError) throw bytes;
  return bytes;
}

function reasonOf(err: unknown): string {
  return err instanceof ImageError ? err.reason : `unexpected error: ${oneLine(err)}`;
}

function withDefaults(
  opts: ScanOptions,
): Required<Pick<ScanOptions, 'minSide' | 'maxAspect'>> & DecodeLimits {
  const out: Required<Pick<ScanOptions, 'minSide' | 'maxAspect'>> & DecodeLimits = {
    minSide: opts.minSide ?? 8,
    maxAspect: opts.maxAspect ?? DEFAULT_MAX_ASPECT,
  };
  if (opts.maxPixels !== undefined) out.maxPixels = opts.maxPixels;
  if (opts.maxMemoryMB !== undefined) out.maxMemoryMB = opts.maxMemoryMB;
  return out;
}

function sortByFile<T extends { file: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
