import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rendererIsCurrent } from '../../../main/cli/renderer-build';

let dir: string;

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function touch(file: string, secondsAgo: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, '');
  const t = Date.now() / 1000 - secondsAgo;
  fs.utimesSync(file, t, t);
}

describe('rendererIsCurrent (npm start / serve rebuild the UI only when needed)', () => {
  it('is false without a build, true when the build is newer than every source, false after a source edit', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-renderer-'));
    const built = path.join(dir, 'dist');
    const sources = [path.join(dir, 'renderer'), path.join(dir, 'contract.ts')];
    touch(path.join(dir, 'renderer', 'src', 'pages', 'Runs.svelte'), 100);
    touch(path.join(dir, 'contract.ts'), 100);
    expect(rendererIsCurrent(built, sources)).toBe(false);

    touch(path.join(built, 'index.html'), 50);
    expect(rendererIsCurrent(built, sources)).toBe(true);

    touch(path.join(dir, 'renderer', 'src', 'pages', 'Runs.svelte'), 10);
    expect(rendererIsCurrent(built, sources)).toBe(false);
    touch(path.join(built, 'index.html'), 0);
    touch(path.join(dir, 'contract.ts'), -5);
    expect(rendererIsCurrent(built, sources)).toBe(false);
  });

  it('ignores a node_modules folder inside the sources', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-renderer-'));
    touch(path.join(dir, 'renderer', 'main.ts'), 100);
    touch(path.join(dir, 'dist', 'index.html'), 50);
    touch(path.join(dir, 'renderer', 'node_modules', 'x', 'index.js'), 0);
    expect(rendererIsCurrent(path.join(dir, 'dist'), [path.join(dir, 'renderer')])).toBe(true);
  });
});
