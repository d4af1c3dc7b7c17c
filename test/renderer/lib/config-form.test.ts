import { describe, expect, it } from 'vitest';
import type { ConfigField } from '../../../core/api/contract';
import { checkField, fieldHint, initialValues, toSettings } from '../../../renderer/src/lib/config-form';

const FIELDS: ConfigField[] = [
  {
    key: 'steps',
    type: 'integer',
    default: 20000,
    minimum: 1,
    maximum: 1e7,
    unit: 'minibatches',
    description: 'budget',
  },
  { key: 'loss', type: 'enum', default: 'ns', options: ['ns', 'hinge'], description: 'loss' },
  { key: 'conditional', type: 'boolean', default: false, description: 'cond' },
  { key: 'diffusion.dTarget', type: 'number', default: 0.6, minimum: 0, maximum: 1, description: 'target' },
  { key: 'dataset.path', type: 'string', default: undefined, description: 'path' },
];
const PRESET = { steps: 5000, loss: 'ns', conditional: false, diffusion: { dTarget: 0.6 } };

describe('config form logic', () => {
  it('starts from the preset, falling back to field defaults', () => {
    const v = initialValues(FIELDS, PRESET);
    expect(v).toEqual({
      steps: '5000',
      loss: 'ns',
      conditional: false,
      'diffusion.dTarget': '0.6',
      'dataset.path': '',
    });
  });

  it('sends only changed fields as key=value', () => {
    const v = initialValues(FIELDS, PRESET);
    expect(toSettings(FIELDS, PRESET, v)).toEqual([]);
    v.steps = '2000';
    v.conditional = true;
    v['diffusion.dTarget'] = '0.60';
    v['dataset.path'] = ' /data ';
    expect(toSettings(FIELDS, PRESET, v)).toEqual(['steps=2000', 'conditional=true', 'dataset.path=/data']);
  });

  it('checks type and range with a message naming the limit', () => {
    expect(checkField(FIELDS[0], '0')).toBe('must be at least 1');
    expect(checkField(FIELDS[0], '1.5')).toBe('must be a whole number');
    expect(checkField(FIELDS[0], 'abc')).toBe('must be a number');
    expect(checkField(FIELDS[0], '')).toBe('enter a number');
    expect(checkField(FIELDS[3], '1.5')).toBe('must be at most 1');
    expect(checkField(FIELDS[1], 'wgan')).toBe('must be one of ns, hinge');
    expect(checkField(FIELDS[0], '300')).toBeNull();
  });

  it('hints default, range and unit', () => {
    expect(fieldHint(FIELDS[0])).toBe('default 20000 · 1 to 10000000 · minibatches');
  });
});
