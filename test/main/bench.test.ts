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
});
