/**
 * `npm start` (`gan-studio start [--port P] [--db PATH] [--browser]`): the desktop app when
 * the Electron binary is installed, otherwise browser mode — build the renderer if it is
 * missing or older than its sources, serve it, print the URL and try to open it in the default browser.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { intFlag, parseFlags } from './args';
import { defaultDbPath } from './db-path';
import { ROOT, rendererIsCurrent, runScript } from './renderer-build';
import { DEFAULT_PORT, RENDERER_DIR, serveStudio, untilSignal } from './serve';

export interface StartProbe {
  /** The Electron executable, or null when the binary was not downloaded. */
  electronPath: string | null;
  /** dist/renderer exists and is newer than the renderer's sources. */
  rendererBuilt: boolean;
  /** dist/electron/main.mjs and preload.cjs exist. */
  electronBuilt: boolean;
  /** --browser was given. */
  forceBrowser: boolean;
}

export type StartPlan =
  | { mode: 'electron'; electronPath: string; build: string[] }
  | { mode: 'browser'; build: string[]; reason: string };

/** What `npm start` does, from what is installed and built. */
export function planStart(probe: StartProbe): StartPlan {
  const renderer = probe.rendererBuilt ? [] : ['build:renderer'];
  if (probe.electronPath && !probe.forceBrowser) {
    return {
      mode: 'electron',
      electronPath: probe.electronPath,
      build: [...renderer, ...(probe.electronBuilt ? [] : ['build:electron'])],
    };
  }
  const reason = probe.forceBrowser
    ? 'browser mode (--browser)'
    : 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?): starting browser mode';
  return { mode: 'browser', build: renderer, reason };
}

/** The Electron executable if `npm install` downloaded it. */
export function findElectron(): string | null {
  try {
    const executable = createRequire(import.meta.url)('electron') as unknown;
    return typeof executable === 'string' && fs.existsSync(executable) ? executable : null;
  } catch {
    return null; // the package throws when its binary is missing
  }
}

/** The command that opens a URL in the default browser on this platform. */
export function openCommand(platform: NodeJS.Platform, url: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', url]];
  return ['xdg-open', [url]];
}

function probe(forceBrowser: boolean): StartProbe {
  const electronDir = path.join(ROOT, 'dist', 'electron');
  return {
    electronPath: findElectron(),
    rendererBuilt: rendererIsCurrent(RENDERER_DIR),
    electronBuilt: ['main.mjs', 'preload.cjs', 'run-worker.mjs'].every((f) =>
      fs.existsSync(path.join(electronDir, f)),
    ),
    forceBrowser,
  };
}

function tryOpen(url: string): void {
  const [command, args] = openCommand(process.platform, url);
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write('could not open a browser: open the URL above yourself\n'));
    child.unref();
  } catch {
    process.stderr.write('could not open a browser: open the URL above yourself\n');
  }
}

export async function start(argv: string[]): Promise<number> {
  const flags = parseFlags('start', argv, {
    port: { type: 'string' },
    db: { type: 'string' },
    browser: { type: 'boolean' },
  });
  const plan = planStart(probe(Boolean(flags.browser)));
  for (const script of plan.build) runScript(script);
  if (plan.mode === 'electron') {
    const child = spawn(plan.electronPath, [ROOT], { stdio: 'inherit' });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  }
  process.stderr.write(`${plan.reason}\n`);
  const port = intFlag(flags, 'port', 0, 65_535) ?? DEFAULT_PORT;
  const dbPath = typeof flags.db === 'string' ? flags.db : defaultDbPath();
  const { server, stop } = await serveStudio({ port, dbPath });
  process.stdout.write(`GAN Studio: ${server.url}\n`);
  tryOpen(server.url);
  await untilSignal(stop);
  return 0;
}
