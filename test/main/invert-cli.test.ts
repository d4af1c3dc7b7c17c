import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../core/engine/backend';
import { RunStore } from '../../core/store';
import { trainInversionRuns } from '../core/api/tiny-runs';
import { cli, expectOk, inPool, lastJson } from './cli-helpers';

let dir: string;
let db: string;
let imageRun: number;
let pointsRun: number;
let emptyRun: number;
let digit: string;

function writePng(file: string, width: number, height: number, fill: (x: number, y: number) => number[]) {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) png.data.set(fill(x, y), (y * width + x) * 4);
  fs.writeFileSync(file, PNG.sync.write(png));
}

function inversionCount(): number {
  const store = RunStore.open(db);
  try {
    return [imageRun, pointsRun, emptyRun].reduce((n, r) => n + store.listInversions(r).length, 0);
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  await initBackend('wasm');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-invert-cli-'));
  db = path.join(dir, 'runs.db');
  const store = RunStore.open(db);
  try {
    ({ imageRun, pointsRun, emptyRun } = await trainInversionRuns(store, 4));
  } finally {
    store.close();
  }
  digit = path.join(dir, 'digit.png');
  writePng(digit, 50, 40, (x, y) =>
    (x - 25) ** 2 + (y - 20) ** 2 < 80 ? [255, 255, 255, 255] : [0, 0, 0, 255],
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('gan-studio invert / directions / edit', () => {
  it('each bad input gives one line on stderr, a non-zero exit and stores nothing', async () => {
    const notImage = path.join(dir, 'notes.png');
    fs.writeFileSync(notImage, 'these are notes, not pixels');
    const transparent = path.join(dir, 'rgba.png');
    writePng(transparent, 12, 12, (x) => [200, 10, 10, x * 20]);
    const shortLatent = path.join(dir, 'short.json');
    fs.writeFileSync(shortLatent, JSON.stringify({ latent: [0.1, 0.2, 0.3] }));
    const out = path.join(dir, 'never');
    const invert = (run: number, image: string) => [
      'invert',
      '--run',
      String(run),
      '--image',
      image,
      '--out',
      out,
    ];
    const cases: [string[], RegExp][] = [
      [invert(imageRun, path.join(dir, 'missing.png')), /missing\.png: unreadable: file not found/],
      [invert(imageRun, notImage), /notes\.png: not a PNG or JPEG/],
      [invert(imageRun, transparent), /rgba\.png has 4 channels \(RGBA\) with transparent pixels/],
      [invert(pointsRun, digit), /is a 2D run/],
      [invert(emptyRun, digit), /has no checkpoint yet/],
      [
        ['edit', '--run', String(imageRun), '--latent', shortLatent, '--out', path.join(dir, 'e.png')],
        /latent has 3 values but this model's latent has 8/,
      ],
      [['directions', '--run', String(pointsRun), '--method', 'pca'], /is a 2D run/],
    ];
    const results = await inPool(cases, 2, ([args]) => cli([...args, '--db', db]));
    results.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(cases[i][1]);
    });
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'e.png'))).toBe(false);
    expect(inversionCount()).toBe(0);
  });

  it('inverts an image end to end, then edits the latent along a stored direction', async () => {
    const out = path.join(dir, 'inv');
    const result = await cli([
      'invert',
      '--run',
      String(imageRun),
      '--image',
      digit,
      '--out',
      out,
      '--steps',
      '20',
      '--db',
      db,
      '--json',
    ]);
    expectOk(result);
    const summary = lastJson<{ psnr: number; ssim: number; checkpointStep: number; steps: number }>(result);
    expect(summary).toMatchObject({ checkpointStep: 4, steps: 20 });
    expect(Number.isFinite(summary.psnr) && Number.isFinite(summary.ssim)).toBe(true);
    for (const f of ['target.png', 'reconstruction.png', 'latent.json', 'loss.csv']) {
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    }
    const target = PNG.sync.read(fs.readFileSync(path.join(out, 'target.png')));
    expect([target.width, target.height]).toEqual([28, 28]);
    const latent = JSON.parse(fs.readFileSync(path.join(out, 'latent.json'), 'utf8'));
    expect(latent).toMatchObject({ runId: imageRun, checkpointStep: 4, latentSpace: 'z' });
    expect(latent.latent).toHaveLength(8);
    const csv = fs.readFileSync(path.join(out, 'loss.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('step,loss');
    expect(csv).toHaveLength(21);
    expect(inversionCount()).toBe(1);

    const dirs = await cli([
      'directions',
      '--run',
      String(imageRun),
      '--method',
      'sefa',
      '--k',
      '2',
      '--db',
      db,
      '--json',
    ]);
    expectOk(dirs);
    const [first] = lastJson<{ id: string; name: string; std: number }[]>(dirs);
    expect(first.name).toBe('sefa-1');
    const edited = path.join(dir, 'edited.png');
    const same = path.join(dir, 'same.png');
    const [e1, e2] = await inPool(
      [
        [edited, `${first.id}=${2 * first.std}`],
        [same, 'sefa-1=0'],
      ],
      2,
      ([file, set]) =>
        cli([
          'edit',
          '--run',
          String(imageRun),
          '--latent',
          path.join(out, 'latent.json'),
          '--set',
          set,
          '--out',
          file,
          '--db',
          db,
        ]),
    );
    expectOk(e1);
    expectOk(e2);
    // alpha 0 redraws the reconstruction; a real step changes it.
    expect(fs.readFileSync(same).equals(fs.readFileSync(path.join(out, 'reconstruction.png')))).toBe(true);
    expect(fs.readFileSync(edited).equals(fs.readFileSync(same))).toBe(false);
  });
});
