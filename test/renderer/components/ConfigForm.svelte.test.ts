import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { ConfigField } from '../../../core/api/contract';
import ConfigForm from '../../../renderer/src/components/ConfigForm.svelte';
import { initialValues } from '../../../renderer/src/lib/config-form';

const FIELDS: ConfigField[] = [
  {
    key: 'steps',
    type: 'integer',
    default: 20000,
    minimum: 1,
    maximum: 10000000,
    unit: 'minibatches',
    description: 'training budget',
  },
  { key: 'loss', type: 'enum', default: 'ns', options: ['ns', 'hinge'], description: 'adversarial loss' },
  { key: 'conditional', type: 'boolean', default: false, description: 'class-conditional G and D' },
  {
    key: 'diffusion.dTarget',
    type: 'number',
    default: 0.6,
    minimum: 0,
    maximum: 1,
    description: 'target of r_d',
  },
];

describe('ConfigForm', () => {
  it('shows every field with the preset value, default, range, unit and description', () => {
    const values = $state(initialValues(FIELDS, { steps: 3000, diffusion: { dTarget: 0.6 } }));
    render(ConfigForm, { props: { fields: FIELDS, values } });
    expect((screen.getByLabelText('steps') as HTMLInputElement).value).toBe('3000');
    expect((screen.getByLabelText('loss') as HTMLSelectElement).value).toBe('ns');
    expect((screen.getByLabelText('conditional') as HTMLInputElement).checked).toBe(false);
    expect(screen.getByText(/training budget \(default 20000 · 1 to 10000000 · minibatches\)/)).toBeTruthy();
    expect(screen.getByText('Diffusion (adaptive T)')).toBeTruthy();
    expect(screen.queryAllByTestId('field-error')).toHaveLength(0);
  });

  it('shows an inline message as soon as a value is out of range, and clears it when fixed', async () => {
    const values = $state(initialValues(FIELDS, {}));
    render(ConfigForm, { props: { fields: FIELDS, values } });
    const input = screen.getByLabelText('diffusion.dTarget') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: '1.5' } });
    flushSync();
    expect(screen.getByTestId('field-error').textContent).toBe('diffusion.dTarget must be at most 1');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(values['diffusion.dTarget']).toBe('1.5');
    await fireEvent.input(input, { target: { value: '0.3' } });
    flushSync();
    expect(screen.queryAllByTestId('field-error')).toHaveLength(0);
  });

  it("shows the host's validation message under its field", () => {
    const values = $state(initialValues(FIELDS, {}));
    render(ConfigForm, {
      props: { fields: FIELDS, values, serverErrors: { loss: 'needs nCritic=5 with wgan-gp' } },
    });
    expect(screen.getByTestId('field-error').textContent).toBe('loss needs nCritic=5 with wgan-gp');
  });
});
