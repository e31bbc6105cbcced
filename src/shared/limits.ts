// Length limits of the free text a user attaches to a run: one set of numbers for the CLI, the app's IPC
// validators, the store and the importer. No Node or DOM imports here.
import type { FieldError } from './config';

/** Characters in a run's name. */
export const NAME_MAX = 200;
/** Characters in a run's notes. */
export const NOTES_MAX = 10_000;
/** Tags per run. */
export const TAGS_MAX = 32;
/** Characters per tag. */
export const TAG_MAX = 64;

/** What is wrong with a run's name, tags or notes (only the parts given are checked); empty when all is well. */
export function textLimitErrors(t: { name?: unknown; tags?: unknown; notes?: unknown }): FieldError[] {
  const errors: FieldError[] = [];
  if (t.name !== undefined && (typeof t.name !== 'string' || t.name.trim() === '' || t.name.length > NAME_MAX))
    errors.push({ field: 'name', message: `must be a non-empty string of at most ${NAME_MAX} characters` });
  if (t.notes !== undefined && (typeof t.notes !== 'string' || t.notes.length > NOTES_MAX))
    errors.push({ field: 'notes', message: `must be a string of at most ${NOTES_MAX} characters` });
  if (
    t.tags !== undefined &&
    (!Array.isArray(t.tags) || t.tags.length > TAGS_MAX || t.tags.some((x) => typeof x !== 'string' || x.length === 0 || x.length > TAG_MAX))
  )
    errors.push({ field: 'tags', message: `must be a list of at most ${TAGS_MAX} non-empty strings of at most ${TAG_MAX} characters` });
  return errors;
}
