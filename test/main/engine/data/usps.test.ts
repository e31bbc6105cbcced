import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSplit } from '../../../../src/main/engine/data/dataset';
import { fetchUsps } from '../../../../src/main/engine/data/fetch';
import { loadUsps } from '../../../../src/main/engine/data/usps';
import { USPS_DIR } from '../../../helpers/fixtures';
import { startMirror } from '../../../helpers/usps-mirror';

const USPS = USPS_DIR;
const rawLines = (name: string) =>
  gunzipSync(readFileSync(join(USPS, name)))
    .toString('latin1')
    .split('\n')
    .filter((l) => l.trim() !== '');
const made: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'chaoslab-data-'));
  made.push(d);
  return d;
};
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A directory holding ESL files built from the given lines. */
function eslDir(train: string[], test: string[]): string {
  const dir = tmp();
  writeFileSync(join(dir, 'zip.train.gz'), gzipSync(train.join('\n') + '\n'));
  writeFileSync(join(dir, 'zip.test.gz'), gzipSync(test.join('\n') + '\n'));
  return dir;
}

let trainLines: string[];
let testLines: string[];
let full: DataSplit;
beforeAll(() => {
  trainLines = rawLines('zip.train.gz');
  testLines = rawLines('zip.test.gz');
  full = loadUsps(USPS);
});

describe('USPS ESL files', () => {
  it('has the published sizes and label counts', () => {
    expect(full.train.count).toBe(7291);
    expect(full.test.count).toBe(2007);
    expect(full.train.dim).toBe(256);
    expect(full.train.x.length).toBe(7291 * 256);
    const counts = (y: Uint8Array) => Array.from({ length: 10 }, (_, d) => y.filter((v) => v === d).length);
    expect(counts(full.train.y)).toEqual([1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644]);
    expect(counts(full.test.y)).toEqual([359, 264, 198, 166, 200, 160, 170, 147, 166, 177]);
    expect(full.train.source).toBe(join(USPS, 'zip.train.gz'));
  });

  it('normalises with the global train mean and unbiased std', () => {
    expect(Math.abs(full.mean - 0.254480664035712)).toBeLessThan(1e-12);
    expect(Math.abs(full.std - 0.38462079851944586)).toBeLessThan(1e-12);
    let s = 0;
    for (const v of full.train.x) s += v;
    expect(Math.abs(s / full.train.x.length)).toBeLessThan(1e-9);
  });

  it('stores the first training and test images exactly as the raw text maps them', () => {
    for (const [lines, ds] of [
      [trainLines, full.train],
      [testLines, full.test],
    ] as const) {
      const tok = lines[0].trim().split(/\s+/).map(Number);
      expect(ds.y[0]).toBe(tok[0]);
      for (let j = 0; j < 256; j++) expect(ds.x[j]).toBe(((tok[j + 1] + 1) / 2 - full.mean) / full.std);
    }
    expect(full.train.y[0]).toBe(6);
    expect(trainLines[0].startsWith('6.0000 -1.0000')).toBe(true);
  });
});

describe('USPS error messages', () => {
  const expectError = (dir: string, re: RegExp) => expect(() => loadUsps(dir)).toThrow(re);
  const edit = (i: number, f: (tok: string[]) => string[]) => trainLines.slice(0, 20).map((l, k) => (k === i ? f(l.trim().split(/\s+/)).join(' ') : l));

  it('names file and line for a short line', () => {
    expectError(
      eslDir(
        edit(11, (t) => t.slice(0, 200)),
        testLines.slice(0, 5),
      ),
      /zip\.train\.gz line 12: expected 257 numbers, found 200$/,
    );
  });
  it('names file and line for a bad label, a non-number and an out-of-range value', () => {
    expectError(
      eslDir(
        edit(2, (t) => ['12', ...t.slice(1)]),
        testLines.slice(0, 5),
      ),
      /zip\.train\.gz line 3: the label is not a digit 0\.\.9$/,
    );
    expectError(
      eslDir(
        edit(4, (t) => [...t.slice(0, 7), 'abc', ...t.slice(8)]),
        testLines.slice(0, 5),
      ),
      /zip\.train\.gz line 5: value 7 is not a number$/,
    );
    expectError(
      eslDir(
        trainLines.slice(0, 5),
        testLines.slice(0, 3).map((l, k) => (k === 1 ? l.replace(/ -1 /, ' 1.5 ') : l)),
      ),
      /zip\.test\.gz line 2: value \d+ is outside \[−1, 1\]$/,
    );
  });
  it('refuses a named pipe or a decompression bomb in place of a USPS file, without reading it whole', () => {
    const dir = eslDir(trainLines.slice(0, 5), testLines.slice(0, 5));
    rmSync(join(dir, 'zip.test.gz'));
    execFileSync('mkfifo', [join(dir, 'zip.test.gz')]);
    expectError(dir, /^data\.dir: \S+zip\.test\.gz is a named pipe, not a regular file$/);
    rmSync(join(dir, 'zip.test.gz'));
    // 100 MB of zeros gzip to ~100 kB: refused at the 64 MiB text bound.
    writeFileSync(join(dir, 'zip.test.gz'), gzipSync(Buffer.alloc(100 * 2 ** 20)));
    expectError(dir, /zip\.test\.gz: not a valid gzip file of at most 67108864 bytes, truncated or corrupt/);
  });
  it('rejects an empty line inside the file but accepts trailing newlines', () => {
    expectError(eslDir([trainLines[0], '', trainLines[1]], testLines.slice(0, 2)), /zip\.train\.gz line 2: empty line/);
    const dir = eslDir(trainLines.slice(0, 3), testLines.slice(0, 2));
    writeFileSync(join(dir, 'zip.test.gz'), gzipSync(testLines.slice(0, 2).join('\n') + '\n\n\n'));
    expect(loadUsps(dir).test.count).toBe(2);
  });
  it('reports truncated gzip, empty files and gzip with no data', () => {
    const dir = eslDir(trainLines.slice(0, 5), testLines.slice(0, 5));
    const gz = readFileSync(join(USPS, 'zip.train.gz'));
    writeFileSync(join(dir, 'zip.train.gz'), gz.subarray(0, gz.length >> 1));
    expectError(dir, /zip\.train\.gz: not a valid gzip file of at most \d+ bytes, truncated or corrupt \(unexpected end of file\)/);
    writeFileSync(join(dir, 'zip.train.gz'), '');
    expectError(dir, /zip\.train\.gz: file is empty$/);
    writeFileSync(join(dir, 'zip.train.gz'), gzipSync('\n'));
    expectError(dir, /zip\.train\.gz: file is empty \(no data lines\)/);
  });
  it('says where to put missing files', () => {
    const dir = tmp();
    expectError(dir, /No USPS files in .*Put zip\.train\.gz and zip\.test\.gz \(from https:\/\/hastie\.su\.domains\/ElemStatLearn\/datasets\/\) into/);
    writeFileSync(join(dir, 'zip.train.gz'), gzipSync(trainLines[0]));
    expectError(dir, /zip\.test\.gz not found \(zip\.train\.gz is there, its partner is missing\)/);
    expectError(join(dir, 'nope'), /USPS directory .*nope does not exist\. Put zip\.train\.gz/);
  });
});

describe('USPS LIBSVM files (bzip2)', () => {
  const hasBzip2 = (() => {
    try {
      execFileSync('bzip2', ['--help'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  /** ESL line → LIBSVM line (label + 1; zero features omitted, as LIBSVM files do). */
  const toLibsvm = (l: string) => {
    const t = l.trim().split(/\s+/);
    const feats = t.slice(1).flatMap((v, j) => (Number(v) === 0 ? [] : [`${j + 1}:${v}`]));
    return [String(Number(t[0]) + 1), ...feats].join(' ');
  };
  const bz2 = (text: string) => execFileSync('bzip2', ['-c'], { input: text });
  const libsvmDir = (train: string[], test: string[]) => {
    const dir = tmp();
    writeFileSync(join(dir, 'usps.bz2'), bz2(train.join('\n') + '\n'));
    writeFileSync(join(dir, 'usps.t.bz2'), bz2(test.join('\n') + '\n'));
    return dir;
  };

  it.runIf(hasBzip2)('stops decoding a bzip2 bomb at the 64 MiB bound', () => {
    const dir = libsvmDir(trainLines.slice(0, 3).map(toLibsvm), testLines.slice(0, 3).map(toLibsvm));
    writeFileSync(join(dir, 'usps.t.bz2'), execFileSync('bzip2', ['-c'], { input: Buffer.alloc(80 * 2 ** 20, 0x20) }));
    expect(() => loadUsps(dir)).toThrow(
      /usps\.t\.bz2: not a valid bzip2 file of at most 67108864 bytes, truncated or corrupt \(decompresses to more than 67108864 bytes\)/,
    );
  });

  it.runIf(hasBzip2)('reads the same samples as the ESL files, including omitted zero features', () => {
    const tr = trainLines.slice(0, 300);
    const te = testLines.slice(0, 100);
    const omitted = tr.map(toLibsvm).reduce((n, l) => n + 257 - l.split(' ').length, 0);
    expect(omitted).toBeGreaterThan(0);
    const a = loadUsps(libsvmDir(tr.map(toLibsvm), te.map(toLibsvm)));
    const b = loadUsps(eslDir(tr, te));
    expect(a.train.source.endsWith('usps.bz2')).toBe(true);
    expect(a.mean).toBe(b.mean);
    expect(a.std).toBe(b.std);
    expect(Array.from(a.train.y)).toEqual(Array.from(b.train.y));
    expect(Buffer.from(a.train.x.buffer).equals(Buffer.from(b.train.x.buffer))).toBe(true);
    expect(Buffer.from(a.test.x.buffer).equals(Buffer.from(b.test.x.buffer))).toBe(true);
  });

  it.runIf(hasBzip2)('prefers the ESL files when a directory holds both', () => {
    const dir = libsvmDir(trainLines.slice(0, 3).map(toLibsvm), testLines.slice(0, 3).map(toLibsvm));
    writeFileSync(join(dir, 'zip.train.gz'), gzipSync(trainLines.slice(0, 4).join('\n')));
    writeFileSync(join(dir, 'zip.test.gz'), gzipSync(testLines.slice(0, 4).join('\n')));
    expect(loadUsps(dir).train.count).toBe(4);
  });

  it.runIf(hasBzip2)('names file and line for bad LIBSVM lines and corrupt bzip2', () => {
    const good = trainLines.slice(0, 4).map(toLibsvm);
    const te = testLines.slice(0, 2).map(toLibsvm);
    const bad = (i: number, line: string) => () =>
      loadUsps(
        libsvmDir(
          good.map((l, k) => (k === i ? line : l)),
          te,
        ),
      );
    expect(bad(1, '3 1:0.5 300:0.1')).toThrow(/usps\.bz2 line 2: feature index 300 is outside 1\.\.256/);
    expect(bad(2, '0 1:0.5')).toThrow(/usps\.bz2 line 3: the label is not an integer 1\.\.10$/);
    expect(bad(0, '5 2:0.1 1:0.2')).toThrow(/usps\.bz2 line 1: feature indices must increase \(1 after 2\)/);
    expect(bad(3, '5 abc')).toThrow(/usps\.bz2 line 4: feature 1 is not of the form index:value$/);
    expect(bad(3, '5 4:x')).toThrow(/usps\.bz2 line 4: feature 4 value is not a number$/);
    expect(bad(3, '5 4:-1.2')).toThrow(/usps\.bz2 line 4: feature 4 value is outside \[−1, 1\]$/);
    const dir = libsvmDir(good, te);
    const whole = readFileSync(join(dir, 'usps.t.bz2'));
    writeFileSync(join(dir, 'usps.t.bz2'), whole.subarray(0, whole.length - 20));
    expect(() => loadUsps(dir)).toThrow(/usps\.t\.bz2: not a valid bzip2 file of at most \d+ bytes, truncated or corrupt/);
  });

  it('has the system bzip2 command to build its fixtures', () => {
    expect(hasBzip2).toBe(true);
  });
});

describe('fetchUsps', () => {
  const files = { '/usps/zip.train.gz': readFileSync(join(USPS, 'zip.train.gz')), '/usps/zip.test.gz': readFileSync(join(USPS, 'zip.test.gz')) };
  const fetchError = async (dir: string, from: string): Promise<string> => {
    try {
      await fetchUsps(dir, from);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('fetchUsps succeeded');
  };

  it('downloads both ESL files over HTTP into a new directory, where they load', async () => {
    const mirror = await startMirror(files);
    try {
      const dir = join(tmp(), 'nested', 'usps');
      await fetchUsps(dir, mirror.url.slice(0, -1));
      expect(mirror.requests).toEqual(['/usps/zip.train.gz', '/usps/zip.test.gz']);
      expect(readdirSync(dir).sort()).toEqual(['zip.test.gz', 'zip.train.gz']);
      const d = loadUsps(dir);
      expect([d.train.count, d.test.count]).toEqual([7291, 2007]);
    } finally {
      await mirror.close();
    }
  });

  it('names the URL and leaves no file behind on HTTP errors and on a corrupt or foreign download', async () => {
    const lines = gzipSync('1 2 3\n');
    const mirror = await startMirror({
      '/usps/zip.train.gz': files['/usps/zip.train.gz'],
      '/usps/zip.test.gz': 503,
      '/bad/zip.train.gz': Buffer.from('<html>'),
      '/csv/zip.train.gz': lines,
    });
    try {
      const dir = tmp();
      expect(await fetchError(dir, mirror.url)).toMatch(new RegExp(`^Could not download ${mirror.url}zip\\.test\\.gz: HTTP 503`));
      // The train file was complete and checked, so it stays; no temporary file remains.
      expect(readdirSync(dir)).toEqual(['zip.train.gz']);
      const bad = tmp();
      expect(await fetchError(bad, mirror.url.replace('/usps/', '/bad/'))).toMatch(/bad\/zip\.train\.gz: the download is not a valid gzip file/);
      expect(await fetchError(bad, mirror.url.replace('/usps/', '/csv/'))).toMatch(
        /csv\/zip\.train\.gz line 1: expected 257 numbers, found 3 — not the ESL zip format/,
      );
      expect(await fetchError(bad, mirror.url.replace('/usps/', '/none/'))).toMatch(/none\/zip\.train\.gz: HTTP 404/);
      expect(readdirSync(bad)).toEqual([]);
    } finally {
      await mirror.close();
    }
  });

  it('says where to put the files when the source cannot be reached (offline)', async () => {
    // A port nothing listens on: the server was closed before the request.
    const mirror = await startMirror({});
    await mirror.close();
    const dir = tmp();
    const msg = await fetchError(dir, mirror.url);
    expect(msg).toMatch(new RegExp(`^Could not download ${mirror.url}zip\\.train\\.gz: fetch failed`));
    expect(msg).toMatch(/offline.*Put zip\.train\.gz and zip\.test\.gz \(from https:\/\/hastie\.su\.domains\/ElemStatLearn\/datasets\/\) into /);
    expect(msg).toContain(dir);
    expect(readdirSync(dir)).toEqual([]);
  });
});
