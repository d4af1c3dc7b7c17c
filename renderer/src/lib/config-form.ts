/**
 * The logic behind the generated New-run form: initial values from the preset's config
 * (falling back to each field's default), local type/range checks for instant feedback,
 * and the `key=value` settings sent to validateConfig/startRun — only the fields the user
 * changed from the preset, so the run records exactly what was overridden.
 */
import type { ConfigField } from '../../../core/api/contract';

export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

export function getPath(obj: Record<string, unknown>, key: string): unknown {
  let cur: unknown = obj;
  for (const part of key.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The value a field starts with under a preset. */
export function initialValue(field: ConfigField, presetConfig: Record<string, unknown>): FormValue {
  const fromPreset = getPath(presetConfig, field.key);
  const v = fromPreset === undefined ? field.default : fromPreset;
  if (field.type === 'boolean') return v === true;
  if (v === undefined || v === null) return '';
  return String(v);
}

export function initialValues(fields: ConfigField[], presetConfig: Record<string, unknown>): FormValues {
  return Object.fromEntries(fields.map((f) => [f.key, initialValue(f, presetConfig)]));
}

/** One line saying what is wrong with a field's value, or null. */
export function checkField(field: ConfigField, value: FormValue): string | null {
  if (field.type === 'boolean') return null;
  const text = String(value).trim();
  if (field.type === 'string') return null;
  if (field.type === 'enum') {
    if (field.options && !field.options.includes(text)) return `must be one of ${field.options.join(', ')}`;
    return null;
  }
  if (text === '') return 'enter a number';
  const n = Number(text);
  if (!Number.isFinite(n)) return 'must be a number';
  if (field.type === 'integer' && !Number.isInteger(n)) return 'must be a whole number';
  if (field.minimum !== undefined && n < field.minimum) return `must be at least ${field.minimum}`;
  if (field.maximum !== undefined && n > field.maximum) return `must be at most ${field.maximum}`;
  return null;
}

/** `key=value` for every field whose value differs from the preset's. */
export function toSettings(
  fields: ConfigField[],
  presetConfig: Record<string, unknown>,
  values: FormValues,
): string[] {
  const settings: string[] = [];
  for (const field of fields) {
    const value = values[field.key];
    if (value === undefined) continue;
    const start = initialValue(field, presetConfig);
    if (field.type === 'boolean') {
      if (value !== start) settings.push(`${field.key}=${value ? 'true' : 'false'}`);
      continue;
    }
    const text = String(value).trim();
    if (text === String(start)) continue;
    if (text === '' && field.type === 'string') continue;
    if ((field.type === 'number' || field.type === 'integer') && Number(text) === Number(start)) continue;
    settings.push(`${field.key}=${text}`);
  }
  return settings;
}

/** Fields grouped by their first path segment, in schema order ('' = top level). */
export function groupFields(fields: ConfigField[]): { group: string; fields: ConfigField[] }[] {
  const groups = new Map<string, ConfigField[]>();
  for (const f of fields) {
    const dot = f.key.indexOf('.');
    const group = dot < 0 ? '' : f.key.slice(0, dot);
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)!.push(f);
  }
  return [...groups].map(([group, fs]) => ({ group, fields: fs }));
}

/** A hint like "default 0.6 · 0 to 1 · steps". */
export function fieldHint(field: ConfigField): string {
  const parts: string[] = [];
  if (field.default !== undefined) parts.push(`default ${JSON.stringify(field.default)}`);
  if (field.minimum !== undefined && field.maximum !== undefined)
    parts.push(`${field.minimum} to ${field.maximum}`);
  else if (field.minimum !== undefined) parts.push(`≥ ${field.minimum}`);
  else if (field.maximum !== undefined) parts.push(`≤ ${field.maximum}`);
  if (field.unit) parts.push(field.unit);
  return parts.join(' · ');
}
