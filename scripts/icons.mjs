// Renders resources/icon.svg to the PNG sizes the window, the About view and the desktop entry use
// (resources/icons/<size>x<size>.png). Run after editing the SVG: node scripts/icons.mjs
import { Resvg } from '@resvg/resvg-js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const svg = readFileSync(join(root, 'resources/icon.svg'), 'utf8');
mkdirSync(join(root, 'resources/icons'), { recursive: true });
for (const size of ICON_SIZES) {
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
  writeFileSync(join(root, `resources/icons/${size}x${size}.png`), png);
}
console.log(`icons: ${ICON_SIZES.join(', ')} px written to resources/icons/`);
