/**
 * e2e global setup: fail at once, in one line, when Chromium is missing (never download a
 * browser), and build the renderer into dist/renderer so `gan-studio serve` serves this
 * checkout's UI.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

export default function setup(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(`e2e needs Chromium at ${CHROMIUM}: run apt-get install -y chromium`);
  execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
}
