// Files the CLI writes where the user says: checked against the database and existing files first.
import { writeFileSync } from 'node:fs';
import { replaceFile, targetProblem } from '../store/file-target';
import { StoreError } from '../store/run-store';

/** Output files a user names: never the database, an existing file only with --force, written whole or not at all. */
export function writeOutput(file: string, text: string, db: string, force: boolean): void {
  const problem = targetProblem(file, db, force);
  if (problem) throw new StoreError('refused', `${problem}: nothing was written.`);
  replaceFile(file, (tmp) => writeFileSync(tmp, text));
}
