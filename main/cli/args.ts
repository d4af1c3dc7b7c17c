/** Command-line parsing with node's parseArgs: unknown flags and bad values are one-line errors. */
import { parseArgs } from 'node:util';
import { UserError } from '../../core/api/errors';

export type Flags = Record<string, string | boolean | string[] | undefined>;

export interface FlagSpec {
  [name: string]: { type: 'string' | 'boolean'; multiple?: boolean };
}

export function parseFlags(command: string, argv: string[], spec: FlagSpec): Flags {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: spec,
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length) throw new UserError(`${command}: unexpected argument '${positionals[0]}'`);
    return values as Flags;
  } catch (err) {
    if (err instanceof UserError) throw err;
    // node's messages are multi-sentence: keep the first line.
    const first = (err as Error).message.split('\n')[0];
    const ambiguous = /^Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(first);
    if (ambiguous)
      throw new UserError(
        `${ambiguous[1]} needs a value (write ${ambiguous[1]}=VALUE for one starting with '-')`,
      );
    throw new UserError(`${first.replace(/\. To specify a positional.*$/, '')} (see \`gan-studio help\`)`);
  }
}

/** A whole number within [min, max] from a flag, or a UserError naming the flag. */
export function intFlag(
  flags: Flags,
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (
    typeof raw !== 'string' ||
    raw.trim() === '' ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    throw new UserError(`--${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

export function requireFlag(flags: Flags, name: string, command: string): string {
  const raw = flags[name];
  if (typeof raw !== 'string' || raw === '') throw new UserError(`${command} needs --${name}`);
  return raw;
}
