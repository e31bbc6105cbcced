// Bad input on the command line: the message alone (exit 2), "did you mean" for near misses; the usage only for a
// missing or unknown command.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli';

const dir = mkdtempSync(path.join(tmpdir(), 'chaoslab-cli-input-'));

describe('CLI errors', () => {
  it('a config error is its message only, naming the file and the field', () => {
    const cfg = path.join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ train: { lr: -1, stpes: 3 } }));
    const r = cli('run', '--config', cfg, '--db', path.join(dir, 'x.db'));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`invalid config ${cfg}:\n  train.stpes: unknown field (did you mean train.steps?)\n  train.lr: must be > 0\n`);
  });

  it('unknown flags get the near miss and the command’s options, no usage', () => {
    const r = cli('run', '--confg', 'x.json');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("run: unknown option '--confg' (did you mean --config?); its options: --config --preset --db --json --resume\n");
    const sweep = cli('sweep', 'plan', '--jsn', 'spec.json');
    expect(sweep.status).toBe(2);
    expect(sweep.stderr).toBe("sweep plan: unknown option '--jsn' (did you mean --json?); its options: --json\n");
    const sub = cli('sweep', 'stauts', 'x');
    expect(sub.stderr).toBe("sweep: unknown subcommand 'stauts' (did you mean status?) (plan, run, slurm, status, collect)\n");
    const e = cli('estimate', '--config');
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(/^estimate: Option '--config <value>' argument missing\n$/);
  });

  it('the usage comes with a missing or unknown command only', () => {
    const none = cli();
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^no command given\n\nUsage: npm run lab -- <command>/);
    const typo = cli('seires', 'x', 'loss');
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/^unknown command 'seires' \(did you mean series\?\)\n\nUsage:/);
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--preset NAME [--config FILE]');
    expect(help.stdout).toContain("with --config, the file's fields override the preset's");
  });
});
