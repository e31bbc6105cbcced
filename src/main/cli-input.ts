// What the CLI commands share about their input: bad input is a UsageError (exit code 2, the message names the
// argument, field or file), and the JSON files a user hands us (configs, sweep specs) are read with a size bound,
// regular files only, and never echoed back.
import { parseJson, readInputText } from './engine/input-files';

export class UsageError extends Error {}

/** Largest config or sweep spec read (they are small; a long list of Lyapunov save points fits many times over). */
export const CONFIG_MAX_BYTES = 1024 * 1024;

export function readJson(file: string, what: string): unknown {
  return parseJson(readInputText(file, what, CONFIG_MAX_BYTES), `${what} ${file}`);
}
