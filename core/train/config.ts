/**
 * The one typed run configuration: every field with its default, unit and allowed range,
 * validated once at the boundary (CLI, IPC, HTTP). The JSON schema derived from it drives
 * `--set` parsing here and the generated "New run" form in the UI.
 */
import * as z from 'zod';
import { BACKEND_CHOICES } from '../engine/backend';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const num = (min: number, max: number) => z.number().min(min).max(max);

const optimizerSchema = (lr: number) =>
  z
    .strictObject({
      lr: num(1e-7, 1).default(lr).describe('Adam learning rate'),
      beta1: num(0, 0.9999).default(0.5).describe('Adam first-moment decay'),
      beta2: num(0, 0.999999).default(0.999).describe('Adam second-moment decay'),
    })
    .prefault({});

export const DATASETS_2D = ['grid25', 'ring8', 'swissroll', 'moons', 'csv'] as const;
export const IMAGE_DATASETS = ['mnist', 'shapes', 'folder'] as const;
export const DATASETS = [...DATASETS_2D, ...IMAGE_DATASETS] as const;

export function isImageDataset(name: string): boolean {
  return (IMAGE_DATASETS as readonly string[]).includes(name);
}

export const configSchema = z
  .strictObject({
    model: z
      .enum(['diffusion-gan', 'gan'])
      .default('diffusion-gan')
      .describe(
        'diffusion-gan diffuses real and fake inputs to an adaptive step T; gan is the same loop without diffusion',
      ),
    backend: z
      .enum(BACKEND_CHOICES)
      .default('auto')
      .describe('compute backend; auto picks the fastest that loads (GAN_STUDIO_BACKEND overrides)'),
    seed: int(0, 2 ** 31 - 1)
      .default(1)
      .describe('seed of every random draw: init, data, z, t, noise'),
    steps: int(1, 10_000_000).default(20_000).describe('training budget').meta({ unit: 'minibatches' }),
    batch: int(1, 8192)
      .default(256)
      .describe('minibatch size (real and fake each)')
      .meta({ unit: 'samples' }),
    dataset: z
      .strictObject({
        name: z.enum(DATASETS).default('grid25').describe('training data'),
        path: z
          .string()
          .min(1)
          .optional()
          .describe(
            'CSV of x,y points (dataset.name=csv) or a folder of PNG/JPEG images (dataset.name=folder)',
          ),
        size: int(28, 64)
          .refine((v) => v === 28 || v === 32 || v === 64, 'must be 28, 32 or 64')
          .default(28)
          .describe('image side in pixels (image datasets; shapes: 32 or 64)')
          .meta({ unit: 'px' }),
        channels: int(1, 3)
          .refine((v) => v === 1 || v === 3, 'must be 1 (gray) or 3 (RGB)')
          .default(1)
          .describe('1 = gray, 3 = RGB (dataset.name=folder)'),
        count: int(32, 1_000_000)
          .default(10_000)
          .describe('how many shapes images to draw (dataset.name=shapes)'),
      })
      .prefault({}),
    generator: z
      .strictObject({
        zDim: int(1, 1024).default(2).describe('latent size'),
        width: int(1, 4096)
          .default(128)
          .describe('MLP: hidden units per layer; DCGAN: channels of the last block'),
        depth: int(1, 16).default(2).describe('MLP hidden layers (2D data)'),
        mappingLayers: int(0, 8)
          .default(0)
          .describe('layers of a mapping network z -> w in front of G (0 = none)'),
      })
      .prefault({}),
    discriminator: z
      .strictObject({
        width: int(1, 4096)
          .default(128)
          .describe('MLP: hidden units per layer; DCGAN: channels of the first block'),
        depth: int(1, 16).default(2).describe('MLP hidden layers (2D data)'),
        tEmbedDim: int(2, 256)
          .default(16)
          .describe('size of the sinusoidal embedding of the diffusion step t fed to D (even)'),
      })
      .prefault({}),
    loss: z
      .enum(['ns', 'hinge', 'lsgan', 'wgan-gp'])
      .default('ns')
      .describe('adversarial loss: non-saturating, hinge, least squares, Wasserstein with gradient penalty'),
    gpLambda: num(0, 1000).default(10).describe('WGAN-GP penalty weight'),
    nCritic: int(1, 20).default(1).describe('D steps per G step (5 is usual for WGAN-GP)'),
    r1Gamma: num(0, 1e4).default(0).describe('R1 penalty weight on clean real inputs (0 = off)'),
    r1Interval: int(1, 1000)
      .default(16)
      .describe('apply R1 lazily every this many D steps')
      .meta({ unit: 'minibatches' }),
    optG: optimizerSchema(1e-4),
    optD: optimizerSchema(1e-4),
    conditional: z.boolean().default(false).describe('class-conditional G and D (datasets with classes)'),
    infoCategorical: int(0, 64).default(0).describe('InfoGAN categorical code size (0 = off)'),
    infoContinuous: int(0, 16).default(0).describe('InfoGAN continuous codes (0 = off)'),
    infoWeight: num(0, 100).default(1).describe('weight of the InfoGAN mutual-information loss'),
    emaDecay: num(0, 0.99999)
      .default(0.999)
      .describe('decay of the EMA of G used for samples and metrics (0 = off)'),
    diffusion: z
      .strictObject({
        schedule: z
          .enum(['linear', 'cosine', 'quadratic', 'sigmoid', 'constant'])
          .default('linear')
          .describe('beta schedule, re-stretched over the current T'),
        betaStart: num(1e-8, 0.5).default(1e-4).describe('first beta of the schedule'),
        betaEnd: num(1e-8, 0.999).default(2e-2).describe('last beta of the schedule'),
        tMin: int(1, 100_000).default(5).describe('smallest diffusion length T'),
        tMax: int(1, 100_000)
          .default(1000)
          .describe('largest diffusion length T (500 is usual with uniform t)'),
        noiseSd: num(1e-6, 100)
          .default(0.05)
          .describe('sigma: scale of the diffusion noise, relative to the data'),
        tSampling: z
          .enum(['priority', 'uniform'])
          .default('priority')
          .describe('how the t pool is drawn from 1..T: priority P(t) proportional to t, or uniform'),
        poolSize: int(2, 4096).default(64).describe('t pool size; half of it is t = 0 (clean inputs)'),
        dTarget: num(0, 1)
          .default(0.6)
          .describe('target of r_d, the fraction of diffused real inputs D calls real'),
        adaKimg: num(0.001, 1e5)
          .default(100)
          .describe('adjustment speed: p can move 0 to 1 in this many thousand real samples'),
        adaInterval: int(1, 1000)
          .default(4)
          .describe('adjust p and T every this many minibatches')
          .meta({ unit: 'minibatches' }),
      })
      .prefault({}),
    logEvery: int(1, 1_000_000)
      .default(100)
      .describe('log losses, T, p, r_d, D outputs every')
      .meta({ unit: 'steps' }),
    evalEvery: int(1, 1_000_000)
      .default(1000)
      .describe('compute sample metrics every')
      .meta({ unit: 'steps' }),
    evalSamples: int(10, 100_000).default(2500).describe('generated samples per evaluation'),
    imageMetrics: z
      .boolean()
      .default(true)
      .describe(
        'FID, KID, coverage, IS analogue and precision/recall in the features of a small classifier trained once per labelled dataset (MNIST, shapes)',
      ),
    gridSize: int(1, 256)
      .default(64)
      .describe('images in each stored sample grid (fixed z, every evaluation)'),
    checkpointEvery: int(1, 1_000_000)
      .default(1000)
      .describe('save a checkpoint every')
      .meta({ unit: 'steps' }),
    keepCheckpoints: int(1, 1000)
      .default(3)
      .describe('latest checkpoints kept (the best and pinned ones are kept too)'),
  })
  .superRefine((c, ctx) => {
    const d = c.diffusion;
    if (d.tMin > d.tMax) {
      ctx.addIssue({
        code: 'custom',
        path: ['diffusion', 'tMin'],
        message: `must be at most diffusion.tMax (${d.tMax})`,
      });
    }
    if (d.schedule !== 'constant' && d.betaStart >= d.betaEnd) {
      ctx.addIssue({
        code: 'custom',
        path: ['diffusion', 'betaStart'],
        message: `must be below diffusion.betaEnd (${d.betaEnd})`,
      });
    }
    const issue = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (c.discriminator.tEmbedDim % 2 !== 0)
      issue(['discriminator', 'tEmbedDim'], 'must be even (sin and cos pairs)');
    const name = c.dataset.name;
    const needsPath = name === 'csv' || name === 'folder';
    if (needsPath && !c.dataset.path) {
      const example = name === 'csv' ? 'points.csv' : 'my-images/';
      issue(['dataset', 'path'], `is required with dataset.name=${name} (--set dataset.path=${example})`);
    }
    if (!needsPath && c.dataset.path) {
      issue(['dataset', 'path'], `only applies to dataset.name=csv or folder (it is ${name})`);
    }
    if (name === 'shapes' && c.dataset.size === 28)
      issue(['dataset', 'size'], 'shapes are drawn at 32 or 64 pixels');
    if (name === 'mnist' && c.dataset.size === 64)
      issue(['dataset', 'size'], 'MNIST is 28 pixels (or padded to 32)');
    const imageOnly =
      c.conditional || c.infoCategorical > 0 || c.infoContinuous > 0 || c.generator.mappingLayers > 0;
    if (!isImageDataset(name) && imageOnly) {
      issue(
        ['conditional'],
        'class conditioning, InfoGAN codes and the mapping network apply to image datasets',
      );
    }
  });

export type TrainConfig = z.output<typeof configSchema>;
export type TrainConfigInput = z.input<typeof configSchema>;

/** A bad setting, with a message that names the field and what to change. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates a (partial) config and fills defaults; throws ConfigError naming the first bad field. */
export function parseConfig(input: unknown): TrainConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length ? `${issue.path.join('.')}.` : '';
    const keys = issue.keys.map((k) => prefix + k).join(', ');
    throw new ConfigError(`unknown config key ${keys} (see the known keys with \`gan-studio config\`)`);
  }
  const field = issue.path.join('.') || 'config';
  throw new ConfigError(`${field}: ${issue.message.replace(/^Invalid input: /, '')}`);
}

/** The JSON schema of the config (defaults, ranges, units, descriptions). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

interface JsonSchemaNode {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchemaNode>;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
}

/** Every settable leaf key (dot paths) with its schema node, in declaration order. */
export function configFields(): { key: string; node: JsonSchemaNode }[] {
  const out: { key: string; node: JsonSchemaNode }[] = [];
  const walk = (node: JsonSchemaNode, prefix: string) => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const key = prefix ? `${prefix}.${name}` : name;
      if (child.type === 'object' && child.properties) walk(child, key);
      else out.push({ key, node: child });
    }
  };
  walk(configJsonSchema() as JsonSchemaNode, '');
  return out;
}

/** Converts a `--set key=value` string to the type the field expects, or throws ConfigError. */
export function coerceSetting(key: string, raw: string): unknown {
  const field = configFields().find((f) => f.key === key);
  if (!field) {
    const known = configFields().map((f) => f.key);
    const near = known.filter((k) => k.endsWith(`.${key}`) || k.split('.').pop() === key.split('.').pop());
    throw new ConfigError(
      `unknown config key ${key}${near.length ? ` (did you mean ${near.join(' or ')}?)` : ' (see `gan-studio config`)'}`,
    );
  }
  const { node } = field;
  if (node.enum) {
    if (!node.enum.includes(raw))
      throw new ConfigError(`${key}: '${raw}' is not one of ${node.enum.join(', ')}`);
    return raw;
  }
  if (node.type === 'integer' || node.type === 'number') {
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(value)) throw new ConfigError(`${key}: '${raw}' is not a number`);
    return value;
  }
  if (node.type === 'boolean') {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new ConfigError(`${key}: '${raw}' is not true or false`);
  }
  return raw;
}

/** Applies `key=value` settings (dot paths) onto a plain config object, returning a new object. */
export function applySettings(base: TrainConfigInput, settings: string[]): TrainConfigInput {
  const out = structuredClone(base) as Record<string, unknown>;
  for (const setting of settings) {
    const eq = setting.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--set expects key=value, got '${setting}'`);
    const key = setting.slice(0, eq).trim();
    const value = coerceSetting(key, setting.slice(eq + 1));
    const parts = key.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
  }
  return out as TrainConfigInput;
}
