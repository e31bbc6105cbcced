// What the CLI commands share about their input: bad input is a UsageError (exit code 2, the message names the
// argument, field or file), and JSON files are read with that in mind.
import { readFileSync } from 'node:fs';

export class UsageError extends Error {}

export function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what}: ${file} is not valid JSON (${(e as Error).message})`);
  }
}
