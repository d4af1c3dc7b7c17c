import { describe, expect, it } from 'vitest';
import { applySettings, coerceSetting, configFields, parseConfig } from '../../../core/train/config';

describe('run config', () => {
  it('fills every default from an empty object', () => {
    const c = parseConfig({});
    expect(c.model).toBe('diffusion-gan');
    expect(c.batch).toBe(256);
    expect(c.diffusion).toMatchObject({
      schedule: 'linear',
      betaStart: 1e-4,
      betaEnd: 2e-2,
      dTarget: 0.6,
      adaKimg: 100,
      adaInterval: 4,
      tMin: 5,
      poolSize: 64,
      tSampling: 'priority',
    });
    expect(c.generator).toEqual({ zDim: 2, width: 128, depth: 2, mappingLayers: 0 });
  });

  it.each([
    [{ bogus: 1 }, /unknown config key bogus/],
    [{ diffusion: { tmax: 3 } }, /unknown config key diffusion\.tmax/],
    [{ batch: 0 }, /batch: Too small/],
    [{ batch: 2.5 }, /batch: .*int/i],
    [{ model: 'vae' }, /model: .*"diffusion-gan"\|"gan"/],
    [{ diffusion: { tMin: 50, tMax: 10 } }, /diffusion\.tMin: must be at most diffusion\.tMax \(10\)/],
    [
      { diffusion: { betaStart: 0.1, betaEnd: 0.01 } },
      /diffusion\.betaStart: must be below diffusion\.betaEnd/,
    ],
    [{ dataset: { name: 'csv' } }, /dataset\.path: is required with dataset\.name=csv/],
    [{ discriminator: { tEmbedDim: 7 } }, /tEmbedDim: must be even/],
    [{ dataset: { name: 'folder' } }, /dataset\.path: is required with dataset\.name=folder/],
    [{ dataset: { name: 'mnist', path: 'x' } }, /dataset\.path: only applies to dataset\.name=csv or folder/],
    [{ dataset: { name: 'shapes', size: 28 } }, /dataset\.size: shapes are drawn at 32 or 64 pixels/],
    [{ dataset: { name: 'mnist', size: 30 } }, /dataset\.size: must be 28, 32 or 64/],
    [
      { dataset: { name: 'folder', path: 'd', channels: 2 } },
      /dataset\.channels: must be 1 \(gray\) or 3 \(RGB\)/,
    ],
    [
      { conditional: true },
      /conditional: class conditioning, InfoGAN codes and the mapping network apply to image datasets/,
    ],
  ])('refuses %j naming the field', (input, message) => {
    expect(() => parseConfig(input)).toThrow(message);
  });

  it('coerces --set values by the field type and names the key on errors', () => {
    expect(coerceSetting('diffusion.tMax', '200')).toBe(200);
    expect(coerceSetting('model', 'gan')).toBe('gan');
    expect(() => coerceSetting('diffusion.tMax', 'abc')).toThrow("diffusion.tMax: 'abc' is not a number");
    expect(() => coerceSetting('model', 'vae')).toThrow("model: 'vae' is not one of diffusion-gan, gan");
    expect(() => coerceSetting('tMax', '3')).toThrow('did you mean diffusion.tMax?');
    const applied = applySettings({ diffusion: { noiseSd: 0.5 } }, ['diffusion.tMax=300', 'loss=hinge']);
    expect(parseConfig(applied).diffusion).toMatchObject({ tMax: 300, noiseSd: 0.5 });
    expect(() => applySettings({}, ['novalue'])).toThrow(/key=value/);
  });

  it('lists every settable key with a description', () => {
    const fields = configFields();
    expect(fields.map((f) => f.key)).toContain('diffusion.dTarget');
    for (const f of fields) expect(f.node.description, f.key).toBeTruthy();
  });
});
