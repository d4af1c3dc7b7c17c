/**
 * A user's own 2D points from a CSV file: one `x,y` pair per line, an optional header line.
 * Anything else is refused with the file and line number, before a run is created.
 */
import fs from 'node:fs';
import { EpochSampler } from './epoch-sampler';
import { DataError } from './errors';
import type { PointSource } from './toy2d';

export { DataError };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/** Parses the CSV text; `file` only names the source in errors. Returns [n, 2] points. */
export function parsePointsCsv(text: string, file: string): Float32Array {
  const values: number[] = [];
  const lines = text.split(/\r?\n/);
  let headerAllowed = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    const where = `${file}:${i + 1}`;
    if (cells.length !== 2) {
      throw new DataError(`${where}: expected 2 columns (x,y), found ${cells.length}`);
    }
    // One header line of names (x,y) may come first; anything else non-numeric is an error.
    if (headerAllowed && cells.every((c) => /^["']?[A-Za-z_]/.test(c) && !NON_FINITE.test(c))) {
      headerAllowed = false;
      continue;
    }
    headerAllowed = false;
    for (const cell of cells) {
      if (NON_FINITE.test(cell)) throw new DataError(`${where}: '${cell}' is not a finite number`);
      if (!NUMBER.test(cell)) throw new DataError(`${where}: '${cell}' is not a number`);
      const v = Number(cell);
      if (!Number.isFinite(v)) throw new DataError(`${where}: '${cell}' is not a finite number`);
      values.push(v);
    }
  }
  if (values.length === 0) throw new DataError(`${file}: no points (expected lines of x,y)`);
  if (values.length < 4) throw new DataError(`${file}: only 1 point; at least 2 are needed`);
  return Float32Array.from(values);
}

/** Reads and validates a CSV of points; minibatches walk shuffled epochs. */
export function csvPoints(path: string): PointSource {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(
      `${path}: cannot read the CSV (${code === 'ENOENT' ? 'no such file' : (code ?? String(err))})`,
    );
  }
  const points = parsePointsCsv(text, path);
  let extent = 0;
  for (const v of points) extent = Math.max(extent, Math.abs(v));
  const sampler = new EpochSampler(points.length / 2, path);
  return {
    name: `csv:${path}`,
    extent: extent * 1.1,
    next(rng, n, out) {
      for (let i = 0; i < n; i++) {
        const j = sampler.next(rng);
        out[2 * i] = points[2 * j];
        out[2 * i + 1] = points[2 * j + 1];
      }
    },
    getCursor: () => sampler.getCursor(),
    setCursor(cursor) {
      try {
        sampler.setCursor(cursor);
      } catch (err) {
        throw new DataError((err as Error).message);
      }
    },
  };
}
