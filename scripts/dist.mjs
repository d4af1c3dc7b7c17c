// `npm run dist`: build the renderer and Electron bundles, package with electron-builder (which
// rebuilds better-sqlite3 for Electron's ABI in node_modules), then rebuild better-sqlite3 for
// this Node again so tests, the CLI and the server keep working. Extra arguments go to
// electron-builder, e.g. `npm run dist -- --linux AppImage`.
import { spawnSync } from 'node:child_process';

const npm = process.env.npm_execpath;
function run(command, args) {
  const [cmd, argv] = npm && command === 'npm' ? [process.execPath, [npm, ...args]] : [command, args];
  const result = spawnSync(cmd, argv, { stdio: 'inherit', shell: process.platform === 'win32' && !npm });
  return result.status ?? 1;
}

let status = run('npm', ['run', 'build']);
if (status === 0) status = run('npx', ['electron-builder', '--publish', 'never', ...process.argv.slice(2)]);
const restored = run('npm', ['rebuild', 'better-sqlite3']);
if (restored !== 0) console.error('could not rebuild better-sqlite3 for Node: run `npm rebuild better-sqlite3`');
process.exit(status || restored);
