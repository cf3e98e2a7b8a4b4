// Renders the PNG icons of static/icons from their SVGs with Debian's Chromium (run by hand when
// an SVG changes: `node tools/render-icons.mjs`; the PNGs are committed, the build needs no
// renderer).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { launch } from '../tests/support/browser.mjs';
import { ROOT } from '../tests/support/files.mjs';

const ICONS = join(ROOT, 'static/icons');
const renders = [
  ['icon.svg', 'icon-192.png', 192],
  ['icon.svg', 'icon-512.png', 512],
  ['maskable.svg', 'maskable-512.png', 512],
  ['icon.svg', 'apple-touch-icon.png', 180],
];

const context = await launch();
const page = await context.newPage();
for (const [svg, png, size] of renders) {
  await page.setViewportSize({ width: size, height: size });
  const markup = readFileSync(join(ICONS, svg), 'utf8');
  await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${markup}`);
  await page.screenshot({ path: join(ICONS, png), omitBackground: true });
  console.log(`${png} (${size}×${size})`);
}
await context.close();
