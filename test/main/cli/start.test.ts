/** What `npm start` decides: Electron when its binary is installed, else browser mode; what it builds first. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectron, openCommand, planStart } from '../../../main/cli/start';
import { ROOT } from '../cli-helpers';

const probe = { electronPath: null, rendererBuilt: true, electronBuilt: true, forceBrowser: false };

describe('npm start', () => {
  it('falls back to browser mode without the Electron binary, building the renderer only if missing', () => {
    expect(planStart(probe)).toMatchObject({
      mode: 'browser',
      build: [],
      reason: expect.stringContaining('not installed'),
    });
    expect(planStart({ ...probe, rendererBuilt: false })).toMatchObject({
      mode: 'browser',
      build: ['build:renderer'],
    });
    expect(planStart({ ...probe, electronBuilt: false }).build).toEqual([]);
  });

  it('launches Electron when its binary is there, building what is missing first', () => {
    const withElectron = { ...probe, electronPath: '/opt/electron' };
    expect(planStart(withElectron)).toEqual({ mode: 'electron', electronPath: '/opt/electron', build: [] });
    expect(planStart({ ...withElectron, rendererBuilt: false, electronBuilt: false }).build).toEqual([
      'build:renderer',
      'build:electron',
    ]);
    expect(planStart({ ...withElectron, forceBrowser: true }).mode).toBe('browser');
  });

  it('finds the Electron binary only when npm downloaded it', () => {
    const downloaded = fs.existsSync(path.join(ROOT, 'node_modules', 'electron', 'path.txt'));
    if (downloaded) expect(findElectron()).toMatch(/electron/i);
    else expect(findElectron()).toBeNull();
  });

  it('opens the URL with the platform browser opener', () => {
    const url = 'http://127.0.0.1:5180/?token=abc';
    expect(openCommand('linux', url)).toEqual(['xdg-open', [url]]);
    expect(openCommand('darwin', url)).toEqual(['open', [url]]);
    expect(openCommand('win32', url)).toEqual(['cmd', ['/c', 'start', '""', url]]);
  });
});
