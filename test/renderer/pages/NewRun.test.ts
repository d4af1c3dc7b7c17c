import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigField, PresetInfo } from '../../../core/api/contract';
import { setClient } from '../../../renderer/src/lib/studio';
import NewRun from '../../../renderer/src/pages/NewRun.svelte';
import { ScriptedClient } from '../fake-client';

const FIELDS: ConfigField[] = [
  {
    key: 'dataset.name',
    type: 'enum',
    default: 'grid25',
    options: ['grid25', 'folder'],
    description: 'training data',
  },
  { key: 'dataset.path', type: 'string', default: undefined, description: 'folder' },
  {
    key: 'steps',
    type: 'integer',
    default: 20000,
    minimum: 1,
    maximum: 10000000,
    description: 'training budget',
  },
];
const PRESETS: PresetInfo[] = [
  { name: 'grid25', description: '25 Gaussians', config: { dataset: { name: 'grid25' }, steps: 20000 } },
  { name: 'folder', description: 'your images', config: { dataset: { name: 'folder' }, steps: 6000 } },
];

function client() {
  return new ScriptedClient({
    presets: () => PRESETS,
    configFields: () => FIELDS,
    validateConfig: ({ settings }) =>
      (settings ?? []).includes('steps=7')
        ? { ok: false, errors: [{ key: 'steps', message: 'steps must be at least 100 for grid25' }] }
        : { ok: true, config: {} },
    preflightFolder: ({ path }) => ({
      path,
      usable: 3,
      total: 5,
      bad: [
        { file: 'a.txt', reason: 'not an image' },
        { file: 'b.png', reason: 'truncated' },
      ],
      refusal: null,
    }),
    startRun: () => {
      throw new Error('startRun: no worker available');
    },
  });
}

afterEach(() => {
  window.location.hash = '';
});

describe('NewRun page', () => {
  it("shows the host's validation message for a changed field and blocks Start", async () => {
    const c = client();
    setClient(c);
    render(NewRun);
    const steps = (await screen.findByLabelText('steps')) as HTMLInputElement;
    expect(steps.value).toBe('20000');
    await fireEvent.input(steps, { target: { value: '7' } });
    await waitFor(() =>
      expect(screen.getByTestId('field-error').textContent).toBe('steps must be at least 100 for grid25'),
    );
    const start = screen.getByRole('button', { name: 'Start training' }) as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    const validated = c.calls.filter((x) => x.method === 'validateConfig').at(-1);
    expect(validated?.input).toEqual({ preset: 'grid25', settings: ['steps=7'] });
  });

  it('shows the folder preflight report and a start error that says what failed', async () => {
    setClient(client());
    render(NewRun);
    await fireEvent.click(await screen.findByLabelText(/folder/, { selector: 'input[type=radio]' }));
    const path = (await screen.findByLabelText('Image folder')) as HTMLInputElement;
    await fireEvent.input(path, { target: { value: '/data/pics' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Check folder' }));
    const report = await screen.findByTestId('preflight');
    expect(report.textContent).toContain('3 of 5 files usable');
    expect(report.textContent).toContain('2 file(s) will be skipped');
    const start = screen.getByRole('button', { name: 'Start training' }) as HTMLButtonElement;
    await waitFor(() => expect(start.disabled).toBe(false));
    await fireEvent.click(start);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Could not start the run: startRun: no worker available',
    );
  });
});
