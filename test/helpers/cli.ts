// The CLI as a user runs it: a real child process of src/main/cli.ts (through tsx), in the repository root.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from './fixtures';

export const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main/cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
