import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvPoints, parsePointsCsv } from '../../../core/data/csv-points';
import { Rng } from '../../../core/engine/rng';

describe('CSV of 2D points', () => {
  it('reads x,y rows with an optional header, blank lines and comments', () => {
    expect(Array.from(parsePointsCsv('x,y\n1,2\n\n# note\n-3.5,4e-1\n', 'p.csv'))).toEqual([
      1,
      2,
      -3.5,
      expect.closeTo(0.4, 6),
    ]);
    expect(Array.from(parsePointsCsv('1;2\n3;4', 'p.csv'))).toEqual([1, 2, 3, 4]);
  });

  it.each([
    ['x,y\n1,2\n3,abc\n', /p\.csv:3: 'abc' is not a number/],
    ['1,2\n3,4,5\n', /p\.csv:2: expected 2 columns \(x,y\), found 3/],
    ['1,2\n3\n', /p\.csv:2: expected 2 columns/],
    ['1,2\nNaN,4\n', /p\.csv:2: 'NaN' is not a finite number/],
    ['1,2\n3,-Infinity\n', /p\.csv:2: '-Infinity' is not a finite number/],
    ['1,2\n3,1e999\n', /p\.csv:2: '1e999' is not a finite number/],
    ['', /p\.csv: no points/],
    ['x,y\n', /p\.csv: no points/],
    ['1,2\n', /only 1 point/],
    ['x,y\na,b\n1,2\n', /p\.csv:2: 'a' is not a number/],
  ])('refuses %j with the file and line', (text, message) => {
    expect(() => parsePointsCsv(text, 'p.csv')).toThrow(message);
  });

  it('names a missing file, and walks shuffled epochs whose cursor can be restored', () => {
    expect(() => csvPoints('/nonexistent/points.csv')).toThrow(
      /points\.csv: cannot read the CSV \(no such file\)/,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-csv-'));
    const file = path.join(dir, 'p.csv');
    fs.writeFileSync(file, Array.from({ length: 10 }, (_, i) => `${i},${-i}`).join('\n'));
    const source = csvPoints(file);
    const rng = new Rng(1);
    const out = new Float32Array(2 * 10);
    source.next(rng, 10, out);
    expect(Array.from(out.filter((_, i) => i % 2 === 0)).sort((a, b) => a - b)).toEqual([
      ...Array(10).keys(),
    ]);
    source.next(rng, 3, out);
    const cursor = JSON.parse(JSON.stringify(source.getCursor()));
    const rngState = rng.getState();
    const expected = new Float32Array(2 * 12);
    source.next(rng, 12, expected);
    const restored = csvPoints(file);
    restored.setCursor(cursor);
    const again = new Float32Array(2 * 12);
    restored.next(new Rng(rngState), 12, again);
    expect(Array.from(again)).toEqual(Array.from(expected));
  });
});
