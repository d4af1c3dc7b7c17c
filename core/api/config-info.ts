/**
 * The "New run" side of the API: presets with resolved configs, the settable fields (from the
 * config schema, for the generated form), validation with every bad field at once, and the
 * preflight report of an image folder with the refusal training would give.
 */
import { DEFAULT_MIN_IMAGES, scanFolder } from '../data/images/folder';
import { applySettings, ConfigError, configFields, configSchema, parseConfig } from '../train/config';
import { PRESETS, presetNames } from '../train/presets';
import { invalid } from './api-error';
import type { ConfigField, PreflightResult, PresetInfo, ValidateResult } from './contract';

export function listPresets(): PresetInfo[] {
  return Object.entries(PRESETS).map(([name, preset]) => ({
    name,
    description: preset.description,
    // Folder and csv presets need a path before they validate: show the defaults they would get.
    config: configSchema.safeParse(preset.config).data ?? fillDefaults(preset.config),
  }));
}

function fillDefaults(partial: object): Record<string, unknown> {
  const full = parseConfig({ dataset: { name: 'grid25' } }) as unknown as Record<string, unknown>;
  return mergeDeep(full, partial as Record<string, unknown>);
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const below = out[key];
    out[key] =
      isPlainObject(value) && isPlainObject(below)
        ? mergeDeep(below as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

const isPlainObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

export function listConfigFields(): ConfigField[] {
  return configFields().map(({ key, node }) => {
    const raw = node as typeof node & { unit?: unknown };
    const field: ConfigField = {
      key,
      type: node.enum ? 'enum' : toFieldType(node.type),
      default: node.default,
      description: node.description ?? '',
    };
    if (node.enum) field.options = node.enum.map(String);
    if (node.minimum !== undefined) field.minimum = node.minimum;
    if (node.maximum !== undefined) field.maximum = node.maximum;
    if (typeof raw.unit === 'string') field.unit = raw.unit;
    return field;
  });
}

function toFieldType(type: string | undefined): ConfigField['type'] {
  if (type === 'integer' || type === 'number' || type === 'boolean') return type;
  return 'string';
}

/** Every bad setting and every schema issue, each with the dot-path key it concerns. */
export function validateConfig(preset: string, settings: string[]): ValidateResult {
  const base = PRESETS[preset];
  if (!base) {
    return {
      ok: false,
      errors: [
        { key: null, message: `unknown preset '${preset}'; choose one of ${presetNames().join(', ')}` },
      ],
    };
  }
  const errors: { key: string | null; message: string }[] = [];
  let input = structuredClone(base.config);
  for (const setting of settings) {
    try {
      input = applySettings(input, [setting]);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const eq = setting.indexOf('=');
      errors.push({ key: eq > 0 ? setting.slice(0, eq).trim() : null, message: err.message });
    }
  }
  const parsed = configSchema.safeParse(input);
  if (parsed.success && errors.length === 0) {
    return { ok: true, config: parsed.data as unknown as Record<string, unknown> };
  }
  for (const issue of parsed.error?.issues ?? []) {
    if (issue.code === 'unrecognized_keys') {
      errors.push({ key: null, message: `unknown config key ${issue.keys.join(', ')}` });
      continue;
    }
    const key = issue.path.join('.') || null;
    errors.push({ key, message: `${key ?? 'config'}: ${issue.message.replace(/^Invalid input: /, '')}` });
  }
  return { ok: false, errors };
}

/** What a folder run would train on; `refusal` is the one-line reason it would not start. */
export async function preflightFolder(dir: string): Promise<PreflightResult> {
  let report: Awaited<ReturnType<typeof scanFolder>>;
  try {
    report = await scanFolder(dir);
  } catch (err) {
    throw invalid((err as Error).message.split('\n')[0]);
  }
  const usable = report.usable.length;
  const refusal =
    usable < DEFAULT_MIN_IMAGES
      ? `folder ${report.dir} has ${usable} usable ${usable === 1 ? 'image' : 'images'}; at least ${DEFAULT_MIN_IMAGES} are needed`
      : null;
  return { path: report.dir, usable, total: usable + report.bad.length, bad: report.bad, refusal };
}
