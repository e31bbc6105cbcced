// Files a config names are untrusted: only regular files are read (a named pipe is refused at once instead of
// blocking the process), within a size bound, and no error quotes what a file holds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBound, parseJson, readInput } from '../../../src/main/engine/input-files';
import { parseParams } from '../../../src/main/engine/models/spec';
import { parseBasis } from '../../../src/main/engine/optim/cgd';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'chaoslab-inputs-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'root:x:0:0:root:/root:/bin/bash';

describe('readInput', () => {
  it('reads a regular file whole', () => {
    const f = join(dir, 'p.json');
    writeFileSync(f, '[1, 2, 3]');
    expect(readInput(f, 'train.initParamsFile', 100).toString()).toBe('[1, 2, 3]');
  });

  it('refuses a named pipe at once (a blocking open would hang here), a device and a folder, naming field and file', () => {
    const fifo = join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    expect(() => readInput(fifo, 'train.initParamsFile', 1e6)).toThrow(`train.initParamsFile: ${fifo} is a named pipe, not a regular file`);
    expect(() => readInput('/dev/zero', 'cgd.basisFile', 1e6)).toThrow('cgd.basisFile: /dev/zero is a device, not a regular file');
    expect(() => readInput(dir, 'replicas.directionFile', 1e6)).toThrow(`replicas.directionFile: ${dir} is a folder, not a regular file`);
    expect(() => readInput(join(dir, 'nope'), 'train.batchOrderFile', 1e6)).toThrow(`train.batchOrderFile: file not found: ${join(dir, 'nope')}`);
  });

  it('refuses a file larger than its bound before reading it', () => {
    const f = join(dir, 'big.json');
    writeFileSync(f, `[${'1,'.repeat(50_000)}1]`);
    expect(() => readInput(f, 'train.initParamsFile', 1000)).toThrow(/^train\.initParamsFile: \S+big\.json is 100003 bytes, more than the 1000 bytes/);
    // A parameter file of the paper's MLP: 5350 numbers of up to 40 bytes each, plus 64 KiB.
    expect(jsonBound(5350)).toBe(5350 * 40 + 65536);
    expect(jsonBound(1e12)).toBe(256 * 1024 * 1024);
  });
});

describe('parse errors never echo the file', () => {
  it('JSON, parameter and basis files', () => {
    const msg = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(msg(() => parseJson(SECRET, '/etc/passwd'))).toBe('/etc/passwd: not valid JSON');
    for (const m of [
      msg(() => parseParams(SECRET, '/etc/passwd', 10)),
      msg(() => parseParams(`["${SECRET}"]`, '/etc/passwd', 1)),
      msg(() => parseBasis(SECRET, '/etc/passwd', 10, null)),
      msg(() => parseBasis(`{"vectors": [["${SECRET}"]]}`, '/etc/passwd', 1, null)),
    ]) {
      expect(m).toMatch(/^\/etc\/passwd: /);
      expect(m).not.toContain('root');
    }
  });
});

describe('cgd.basisFile vectors', () => {
  const file = (vectors: number[][]): string => JSON.stringify({ vectors });
  it("dependence is judged relative to each vector's own length, whatever units the file uses", () => {
    const a = [3, 4, 0, 0];
    const b = [1, 1, 1, 0];
    const unit = parseBasis(file([a, b]), 'basis.json', 4, null);
    // The same two directions at 1e-13 of the scale: accepted, and the same orthonormal basis.
    const tiny = parseBasis(file([a.map((x) => 1e-13 * x), b.map((x) => 1e-13 * x)]), 'basis.json', 4, null);
    tiny.forEach((v, j) => v.forEach((x, i) => expect(Math.abs(x - unit[j][i])).toBeLessThan(1e-15)));
    // A dependent vector at a large scale leaves round-off (≈ 1e-10) outside the span: refused, not taken as a direction.
    const big = a.map((x, i) => 1e6 * (2 * x - b[i] / 3));
    expect(() => parseBasis(file([a, b, big]), 'basis.json', 4, null)).toThrow('basis.json: vector 2 is linearly dependent on the previous ones');
    expect(() => parseBasis(file([a, [0, 0, 0, 0]]), 'basis.json', 4, null)).toThrow('basis.json: vector 1 is zero');
    expect(() => parseBasis(file([a, [1e200, 0, 0, 1]]), 'basis.json', 4, null)).toThrow('basis.json: vector 1 has length 1.0e+200, outside 1e-150…1e150');
  });
});
