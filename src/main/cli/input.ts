// What the CLI commands share about their input: bad input is a UsageError (exit code 2, the message names the
// argument, field or file, with "did you mean …" for near misses), and the JSON files a user hands us (configs,
// sweep specs) are read with a size bound, regular files only, and never echoed back.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest, formatErrors, validateConfig, type RunConfig } from '../../shared/config';
import { textLimitErrors } from '../../shared/limits';
import { parseJson, readInputText } from '../engine/input-files';

export class UsageError extends Error {}

/** Largest config or sweep spec read (they are small; a long list of Lyapunov save points fits many times over). */
export const CONFIG_MAX_BYTES = 1024 * 1024;

export function readJson(file: string, what: string): unknown {
  return parseJson(readInputText(file, what, CONFIG_MAX_BYTES), `${what} ${file}`);
}

/** " (did you mean X?)" when `word` is a near miss of one of `known`, else "". */
export function suggestion(word: string, known: readonly string[]): string {
  const near = closest(word, known);
  return near ? ` (did you mean ${near}?)` : '';
}

/** `value` if it is one of `known`, else a UsageError naming `what`, the near miss and the choices. */
export function oneOf<T extends string>(value: string, known: readonly T[], what: string): T {
  if ((known as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${what}: unknown '${value}'${suggestion(value, known)}; one of ${known.join(', ')}`);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs (strict) for `command`, its errors as UsageErrors: an unknown flag gets "did you mean". */
export function parseFlags<O extends Options, P extends boolean = false>(
  command: string,
  args: string[],
  options: O,
  positionals?: P,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: P; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals: (positionals ?? false) as P, strict: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'(-[^']*)'/.exec(err.message)?.[1] ?? '';
      const known = Object.keys(options).map((k) => `--${k}`);
      throw new UsageError(`${command}: unknown option '${flag}'${suggestion(flag, known)}; its options: ${known.join(' ')}`);
    }
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' || err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
      throw new UsageError(`${command}: ${err.message.split('\n')[0]}`);
    throw e;
  }
}

/** A flag's value as an integer ≥ min, or undefined when absent. */
export function intFlag(v: string | undefined, flag: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} must be an integer ≥ ${min}, got '${v}'`);
  return n;
}

/** A config file, validated with the app's rules; `base` (a preset) supplies every field the file leaves out. */
export function loadConfig(file: string, base?: RunConfig): RunConfig {
  const raw = readJson(file, '--config');
  const v = validateConfig(base && isObject(raw) ? overlay(base, raw) : raw);
  // The name/notes/tag limits are the app's too (shared/limits.ts).
  const errors = v.ok ? textLimitErrors(v.config) : v.errors;
  if (errors.length) throw new UsageError(`invalid config ${file}:\n${formatErrors(errors)}`);
  return (v as { config: RunConfig }).config;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `top` over `base`, section by section: a field the file gives wins, one it leaves out keeps the base's value. */
function overlay(base: Record<string, unknown>, top: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(top)) out[k] = isObject(v) && isObject(base[k]) ? overlay(base[k], v) : v;
  return out;
}
