// `estimate`: in words by default (the run, rank bound, time per step and in total, memory, disk); --json for machines.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CostEstimate } from '../../../src/shared/records';
import { cli } from '../../helpers/cli';
import { USPS_DIR } from '../../helpers/fixtures';

describe('CLI estimate', () => {
  it('prints the estimate in words, and the same numbers as JSON with --json', () => {
    const cfg = path.join(mkdtempSync(path.join(tmpdir(), 'chaoslab-cli-estimate-')), 'e.json');
    writeFileSync(cfg, JSON.stringify({ data: { dataset: 'usps', dir: USPS_DIR }, train: { steps: 3000 } }));
    const json = cli('estimate', '--config', cfg, '--json');
    expect(json.status).toBe(0);
    const e = JSON.parse(json.stdout) as CostEstimate;
    expect(e).toMatchObject({ nParams: 5350, steps: 3000, extrapolated: false });
    const text = cli('estimate', '--config', cfg);
    expect(text.status).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toBe('USPS 16×16 · MLP 256-20-10 (relu), 5350 parameters · SGD, γ = 0.01, batch 8, float32 · exact spectrum every 1');
    expect(lines[1]).toBe(`rank(H_B) ≤ ${e.rankBound}`);
    expect(lines[2]).toMatch(/^time: \d+\.\d ms per step; 3000 steps ≈ (\d+h)?(\d+m)?\d{1,2}s$/);
    expect(lines[3]).toMatch(/^memory \d+\.\d MiB at once; disk \d+\.\d MiB$/);
    // The method advice (its note quotes timings measured in each process, so only its start is compared).
    const rec = e.method!.recommended;
    expect(lines[4].startsWith(`method: exact${rec === 'exact' ? ' (recommended)' : ` (recommended: ${rec})`} — `)).toBe(true);
    expect(() => JSON.parse(text.stdout)).toThrow();
  });
});
