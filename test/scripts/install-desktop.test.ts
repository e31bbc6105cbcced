// `bash scripts/workstation.sh install-desktop` registers the app in the user's menu (XDG): a valid desktop entry
// that launches this checkout's Electron, and the icon at every size, each PNG rendered from resources/icon.svg.
import { Resvg } from '@resvg/resvg-js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures';
import { pngSize } from '../e2e/exports';

const SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
const home = mkdtempSync(join(tmpdir(), 'chaoslab-desktop-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('desktop integration', () => {
  it('every icon PNG is the SVG rendered at its size (scripts/icons.mjs was run after the last SVG edit)', () => {
    const svg = readFileSync(join(ROOT, 'resources/icon.svg'), 'utf8');
    for (const size of SIZES) {
      const file = join(ROOT, `resources/icons/${size}x${size}.png`);
      expect(pngSize(file)).toEqual({ width: size, height: size });
      const fresh = new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
      expect(Buffer.compare(readFileSync(file), fresh), `resources/icons/${size}x${size}.png is stale`).toBe(0);
    }
  });

  it('install-desktop writes a valid entry pointing at this checkout, and the icons', () => {
    const data = join(home, 'share');
    const r = spawnSync('bash', [join(ROOT, 'scripts/workstation.sh'), 'install-desktop'], { env: { ...process.env, XDG_DATA_HOME: data }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(join(data, 'applications/chaoslab.desktop'));
    const entry = readFileSync(join(data, 'applications/chaoslab.desktop'), 'utf8');
    expect(entry).toContain(`Exec="${ROOT}/node_modules/.bin/electron" "${ROOT}"`);
    expect(entry).toMatch(/^Icon=chaoslab$/m);
    for (const size of SIZES) expect(pngSize(join(data, `icons/hicolor/${size}x${size}/apps/chaoslab.png`))).toEqual({ width: size, height: size });
    expect(readFileSync(join(data, 'icons/hicolor/scalable/apps/chaoslab.svg'), 'utf8')).toContain('<title>Chaoslab</title>');
    const valid = spawnSync('desktop-file-validate', [join(data, 'applications/chaoslab.desktop')], { encoding: 'utf8' });
    expect(valid.error, 'desktop-file-validate (Debian package desktop-file-utils) must be installed').toBeUndefined();
    expect(valid.status, valid.stdout + valid.stderr).toBe(0);
  });
});
