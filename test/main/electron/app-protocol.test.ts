/** app:// serves only the built renderer, with the strict CSP on every file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { appResponse, ELECTRON_CSP, isAppUrl } from '../../../main/electron/app-protocol';

vi.mock('electron', async () => (await import('../electron-mock')).electron);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-app-protocol-'));
const renderer = path.join(tmp, 'renderer');
fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'export {};');
fs.writeFileSync(path.join(tmp, 'secret.txt'), 'outside');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('serves renderer files with their type and the CSP', async () => {
    const page = await appResponse(renderer, 'app://studio/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(ELECTRON_CSP);
    expect(await page.text()).toContain('<title>studio</title>');
    const script = await appResponse(renderer, 'app://studio/assets/app.js');
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(ELECTRON_CSP).toContain("script-src 'self'");
    expect(ELECTRON_CSP).not.toContain('unsafe-eval');
  });

  it('answers 404 outside the renderer folder and for other hosts', async () => {
    expect((await appResponse(renderer, 'app://studio/%2e%2e/secret.txt')).status).toBe(404);
    expect((await appResponse(renderer, 'app://other/index.html')).status).toBe(404);
    expect(isAppUrl('app://studio/x')).toBe(true);
    expect(isAppUrl('https://studio/x')).toBe(false);
  });
});
