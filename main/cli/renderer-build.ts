/**
 * Whether the built renderer (dist/renderer) is current, and building it when it is not.
 * `npm start` and `npm run serve` call this instead of rebuilding on every launch (a Vite build
 * takes 10-20 s): a fresh clone builds once, and editing the UI's sources triggers a rebuild.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../core/api/errors';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What the renderer bundle is built from: its own tree and the API contract it imports. */
const RENDERER_SOURCES = [path.join(ROOT, 'renderer'), path.join(ROOT, 'core', 'api', 'contract.ts')];

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of fs.readdirSync(entry)) {
    if (name === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

/** The bundle's index.html exists and is newer than every source file. */
export function rendererIsCurrent(rendererDir: string, sources: string[] = RENDERER_SOURCES): boolean {
  const index = fs.statSync(path.join(rendererDir, 'index.html'), { throwIfNoEntry: false });
  return index !== undefined && sources.every((s) => newestMtime(s) <= index.mtimeMs);
}

/** Runs `npm run <script>` in the project root; a failure is a one-line UserError. */
export function runScript(script: string): void {
  process.stderr.write(`running npm run ${script} ...\n`);
  // Under npm, npm_execpath is npm's own script: no shell, no PATH lookup.
  const npm = process.env.npm_execpath;
  const [command, args] = npm ? [process.execPath, [npm, 'run', script]] : ['npm', ['run', script]];
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: 'inherit',
    shell: !npm && process.platform === 'win32',
  });
  if (result.status !== 0)
    throw new UserError(`npm run ${script} failed; fix the error above and run the command again`);
}
