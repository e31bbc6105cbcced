// The CLI as a user runs it: a real child process of src/main/cli.ts (through tsx), in the repository root.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, USPS_DIR } from './fixtures';

export const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main/cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

/** A small USPS run (MLP 256-4-10 on 200 training images, no test evaluation) with `extra` over it: its run id. */
export function smallRun(db: string, extra: Record<string, unknown>): string {
  const cfg = `${db}.config.json`;
  writeFileSync(cfg, JSON.stringify({ data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 200, testEvery: 0 }, model: { kind: 'mlp', hidden: 4 }, ...extra }));
  const r = cli('run', '--config', cfg, '--db', db, '--json');
  if (r.status !== 0) throw new Error(`run failed (${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { runId: string }).runId;
}
