import { describe, expect, it } from 'vitest';
import { cli, expectOk, lastJson } from './cli-helpers';

describe('gan-studio bench', () => {
  it('--json reports the backend and every speed figure as a positive number (values are not asserted: machines are noisy)', async () => {
    const result = await cli(['bench', '--rounds', '1', '--json']);
    expectOk(result);
    const report = lastJson<Record<string, unknown>>(result);
    expect(report.backend).toMatch(/wasm/);
    for (const key of [
      'matmulGflops',
      'step2dMs',
      'step2dMeanMs',
      'step2dPresetMs',
      'dcganStepMs',
      'editMs',
      'invert300Ms',
    ]) {
      expect(report[key], key).toBeGreaterThan(0);
    }
    expect(report.tensorsAfter).toBe(report.tensorsBefore);
  });

  it('a bad GAN_STUDIO_WASM_THREADS gets one line and a non-zero exit, not a stack trace', async () => {
    const result = await cli(['bench', '--rounds', '1'], { GAN_STUDIO_WASM_THREADS: '0' });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      'gan-studio bench: GAN_STUDIO_WASM_THREADS=0 is not a thread count; use a whole number from 1 to 8',
    );
  });
});
