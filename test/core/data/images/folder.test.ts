import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { clearFolderCache, loadFolder, scanFolder } from '../../../../core/data/images/folder';
import { jpegBytes, pattern, pngBytes } from './fixtures';

const root = mkdtempSync(join(tmpdir(), 'gs-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => clearFolderCache());

let n = 0;
function freshDir(): string {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  return dir;
}

/** Good images of assorted sizes and formats, named so they sort before the bad ones. */
function writeGood(dir: string, count: number, prefix = 'good'): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const w = 20 + 3 * i;
    const h = 16 + 2 * (i % 5);
    const name = `${prefix}${String(i).padStart(2, '0')}.${i % 2 ? 'jpg' : 'png'}`;
    writeFileSync(join(dir, name), i % 2 ? jpegBytes(w, h, pattern(w, h)) : pngBytes(w, h));
    names.push(name);
  }
  return names;
}

function writeBad(dir: string): void {
  const jpg = jpegBytes(64, 64);
  writeFileSync(join(dir, 'x-truncated.jpg'), jpg.subarray(0, Math.floor(jpg.length / 2)));
  writeFileSync(join(dir, 'x-empty.png'), '');
  writeFileSync(join(dir, 'x-notes.png'), 'these are my notes, not a picture\n');
  writeFileSync(join(dir, 'x-tiny.png'), pngBytes(1, 1));
}

describe('scanFolder', () => {
  it('lists exactly the four bad files with distinct one-line reasons', async () => {
    const dir = freshDir();
    const good = writeGood(dir, 6);
    writeBad(dir);
    writeFileSync(join(dir, '.DS_Store'), 'hidden junk');
    const report = await scanFolder(dir);
    expect(report.dir).toBe(dir);
    expect(report.usable.map((u) => u.file)).toEqual(good);
    expect(report.classNames).toBeUndefined();
    expect(report.bad.map((b) => b.file)).toEqual([
      'x-empty.png',
      'x-notes.png',
      'x-tiny.png',
      'x-truncated.jpg',
    ]);
    const reasons = Object.fromEntries(report.bad.map((b) => [b.file, b.reason]));
    expect(reasons['x-empty.png']).toBe('zero-byte file');
    expect(reasons['x-notes.png']).toMatch(/^not a PNG or JPEG \(starts with 74 68 65 73/);
    expect(reasons['x-tiny.png']).toBe('image is 1×1, smaller than the minimum 8×8');
    expect(reasons['x-truncated.jpg']).toMatch(/^truncated or corrupt JPEG: /);
    expect(new Set(report.bad.map((b) => b.reason)).size).toBe(4);
    for (const b of report.bad) expect(b.reason).not.toContain('\n');
  });

  it('flags too-elongated images and honours minSide', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'banner.png'), pngBytes(200, 40));
    writeFileSync(join(dir, 'small.png'), pngBytes(12, 12));
    const report = await scanFolder(dir, { minSide: 16 });
    expect(report.usable).toEqual([]);
    expect(report.bad).toEqual([
      { file: 'banner.png', reason: 'image is 200×40 (aspect 5.0:1), more elongated than 4:1' },
      { file: 'small.png', reason: 'image is 12×12, smaller than the minimum 16×16' },
    ]);
  });

  it('throws one clear line only when the folder is missing or not a folder', async () => {
    await expect(scanFolder(join(root, 'nope'))).rejects.toThrow(
      `folder ${join(root, 'nope')} does not exist`,
    );
    const file = join(root, 'plain-file');
    writeFileSync(file, 'x');
    await expect(scanFolder(file)).rejects.toThrow(`${file} is not a folder`);
  });

  it('turns one sub-folder per class into labels', async () => {
    const dir = freshDir();
    for (const cls of ['dogs', 'cats']) {
      mkdirSync(join(dir, cls));
      writeGood(join(dir, cls), 3, cls);
    }
    mkdirSync(join(dir, 'cats', 'nested'));
    mkdirSync(join(dir, '.hidden'));
    writeFileSync(join(dir, 'loose.png'), pngBytes(16, 16));
    const report = await scanFolder(dir);
    expect(report.classNames).toEqual(['cats', 'dogs']);
    expect(report.usable.map((u) => [u.file, u.label])).toEqual([
      ['cats/cats00.png', 0],
      ['cats/cats01.jpg', 0],
      ['cats/cats02.png', 0],
      ['dogs/dogs00.png', 1],
      ['dogs/dogs01.jpg', 1],
      ['dogs/dogs02.png', 1],
    ]);
    expect(report.bad.map((b) => b.file)).toEqual(['cats/nested', 'loose.png']);
  });
});

describe('loadFolder', () => {
  it('returns the good images and lists the bad ones in skipped', async () => {
    const dir = freshDir();
    writeGood(dir, 6);
    writeBad(dir);
    const set = await loadFolder(dir, { size: 16, channels: 3, minImages: 4 });
    expect(set.name).toBe(`folder:${dir}`);
    expect([set.count, set.height, set.width, set.channels]).toEqual([6, 16, 16, 3]);
    expect(set.images.length).toBe(6 * 16 * 16 * 3);
    for (const v of set.images) expect(v >= -1 && v <= 1).toBe(true);
    expect(set.labels).toBeUndefined();
    expect(set.skipped?.map((s) => s.file)).toEqual([
      'x-empty.png',
      'x-notes.png',
      'x-tiny.png',
      'x-truncated.jpg',
    ]);
  });

  it('refuses with a one-line error naming the count when too few images are usable', async () => {
    const dir = freshDir();
    writeGood(dir, 12);
    writeBad(dir);
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, `y-empty${i}.jpg`), '');
    await expect(loadFolder(dir, { size: 8, channels: 1 })).rejects.toThrow(
      `folder ${dir} has 12 usable images; at least 32 are needed (8 files were skipped: see the preflight report)`,
    );
  });

  it('gives labels and class names for class sub-folders', async () => {
    const dir = freshDir();
    for (const cls of ['b', 'a']) {
      mkdirSync(join(dir, cls));
      writeGood(join(dir, cls), 2, cls);
    }
    const set = await loadFolder(dir, { size: 8, channels: 1, minImages: 1 });
    expect(set.classNames).toEqual(['a', 'b']);
    expect(Array.from(set.labels!)).toEqual([0, 0, 1, 1]);
  });

  it('caches in memory and on disk, and notices changed files', async () => {
    const dir = freshDir();
    const cacheDir = join(root, 'cache');
    const names = writeGood(dir, 5);
    writeBad(dir);
    const opts = { size: 12, channels: 3 as const, minImages: 1, cacheDir };
    const cold = await loadFolder(dir, opts);
    expect(await loadFolder(dir, opts)).toBe(cold); // same process: the very same arrays
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);

    clearFolderCache(); // as if a new process: only the disk cache is left
    const fromDisk = await loadFolder(dir, opts);
    expect(fromDisk).not.toBe(cold);
    expect(fromDisk).toEqual(cold);

    // Other options are a different cache entry.
    const gray = await loadFolder(dir, { ...opts, channels: 1 });
    expect(gray.channels).toBe(1);

    // A rewritten file (new size and mtime) is decoded afresh.
    writeFileSync(join(dir, names[0]), pngBytes(40, 40, Buffer.alloc(40 * 40 * 4, 255)));
    utimesSync(join(dir, names[0]), new Date(), new Date(Date.now() + 5000));
    const changed = await loadFolder(dir, opts);
    expect(changed.images[0]).toBe(1);
    expect(cold.images[0]).not.toBe(1);
  });

  it('ignores a damaged disk cache and decodes again', async () => {
    const dir = freshDir();
    const cacheDir = join(root, 'cache-bad');
    writeGood(dir, 3);
    const opts = { size: 8, channels: 1 as const, minImages: 1, cacheDir };
    const cold = await loadFolder(dir, opts);
    for (const f of readdirSync(cacheDir)) writeFileSync(join(cacheDir, f), 'garbage');
    clearFolderCache();
    expect(await loadFolder(dir, opts)).toEqual(cold);
  });

  it('reports progress', async () => {
    const dir = freshDir();
    writeGood(dir, 3);
    const seen: number[] = [];
    await loadFolder(dir, { size: 8, channels: 1, minImages: 1, onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([1, 2, 3]);
  });
});
