import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { oneLine } from './errors';

export interface FolderEntry {
  /** Path relative to the folder, '/'-separated (stable across platforms, used in reports). */
  file: string;
  abs: string;
  label?: number;
  size: number;
  mtimeMs: number;
}

export interface FolderListing {
  dir: string; // absolute
  entries: FolderEntry[];
  /** Things found while listing that can never be used (nested folders, loose files, ...). */
  bad: { file: string; reason: string }[];
  classNames?: string[];
}

// Zip archives made on macOS carry this folder of resource forks; it is never a class.
const IGNORED_DIRS = new Set(['__MACOSX']);

function isHidden(name: string): boolean {
  return name.startsWith('.');
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Lists candidate files without opening them. Sub-folders (one level) are classes, sorted by
 * name; hidden names are ignored. Throws only if `dir` itself is missing or not a folder.
 */
export async function listFolder(dir: string): Promise<FolderListing> {
  const abs = resolve(dir);
  let top: Dirent[];
  try {
    const st = await stat(abs);
    if (!st.isDirectory()) throw new Error(`${abs} is not a folder`);
    top = await readdir(abs, { withFileTypes: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new Error(`folder ${abs} does not exist`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new Error(`folder ${abs} cannot be read: permission denied`);
    throw new Error(oneLine(err));
  }
  const visible = top.filter((d) => !isHidden(d.name)).sort((a, b) => byCodePoint(a.name, b.name));
  const kinds = await Promise.all(visible.map((d) => kindOf(abs, d)));
  const dirs = visible.filter((_, i) => kinds[i] === 'dir' && !IGNORED_DIRS.has(visible[i].name));
  const bad: FolderListing['bad'] = [];
  const entries: FolderEntry[] = [];

  if (dirs.length === 0) {
    for (let i = 0; i < visible.length; i++) {
      if (kinds[i] === 'dir') continue; // only an ignored folder can get here
      await addFile(abs, visible[i].name, visible[i].name, undefined, entries, bad);
    }
    return { dir: abs, entries, bad };
  }

  const classNames = dirs.map((d) => d.name);
  for (let i = 0; i < visible.length; i++) {
    if (kinds[i] !== 'dir') {
      bad.push({
        file: visible[i].name,
        reason: 'loose file next to class folders; move it into a class folder',
      });
    }
  }
  for (let label = 0; label < classNames.length; label++) {
    const cls = classNames[label];
    let inner: Dirent[];
    try {
      inner = await readdir(join(abs, cls), { withFileTypes: true });
    } catch (err) {
      bad.push({ file: cls, reason: `unreadable class folder: ${oneLine(err)}` });
      continue;
    }
    const names = inner.filter((d) => !isHidden(d.name)).sort((a, b) => byCodePoint(a.name, b.name));
    for (const d of names) {
      const rel = `${cls}/${d.name}`;
      if ((await kindOf(join(abs, cls), d)) === 'dir') {
        bad.push({ file: rel, reason: 'nested folder not read (only one level of class folders is used)' });
        continue;
      }
      await addFile(join(abs, cls), d.name, rel, label, entries, bad);
    }
  }
  return { dir: abs, entries, bad, classNames };
}

async function kindOf(parent: string, d: Dirent): Promise<'dir' | 'file' | 'other'> {
  if (d.isDirectory()) return 'dir';
  if (d.isFile()) return 'file';
  if (d.isSymbolicLink()) {
    try {
      const st = await stat(join(parent, d.name));
      return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    } catch {
      return 'file'; // a dangling link: reported as unreadable by addFile
    }
  }
  return 'other';
}

async function addFile(
  parent: string,
  name: string,
  rel: string,
  label: number | undefined,
  entries: FolderEntry[],
  bad: FolderListing['bad'],
): Promise<void> {
  const path = join(parent, name);
  try {
    const st = await stat(path);
    if (!st.isFile()) {
      bad.push({ file: rel, reason: 'not a regular file' });
      return;
    }
    const entry: FolderEntry = { file: rel, abs: path, size: st.size, mtimeMs: st.mtimeMs };
    if (label !== undefined) entry.label = label;
    entries.push(entry);
  } catch (err) {
    const code = (err as { code?: string }).code;
    bad.push({
      file: rel,
      reason: code === 'ENOENT' ? 'unreadable: broken link or file vanished' : `unreadable: ${oneLine(err)}`,
    });
  }
}
