// Presets for people who do not know what Lanczos3 is: a purpose sets the technical fields, which
// fold under "Advanced" (still reachable from the keyboard, still in the link), and the choice
// reads "Custom" once a field differs from it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { bytesOf, openApp, rows, servedApp, waitForBatch } from '../support/browser.mjs';
import { ROOT, fixturePath } from '../support/files.mjs';

const SHOTS = join(ROOT, 'target/e2e');
before(() => mkdirSync(SHOTS, { recursive: true }));
const app = servedApp();

test('a preset sets the fields under Advanced, travels in the link, and becomes Custom when a field changes', async () => {
  const page = await openApp(app.context, app.server.url);
  const preset = page.getByLabel('Made for');
  const advanced = page.locator('details.advanced');
  // The defaults are the Web preset, and the technical fields start folded.
  assert.equal(await preset.inputValue(), 'web');
  assert.equal(await advanced.evaluate((d) => d.open), false);
  assert.equal(await page.getByLabel('Filter').isVisible(), false);

  await preset.selectOption('social');
  await page.waitForFunction(() => location.search.includes('resize=cover&w=1080&h=1080'));
  assert.match(page.url(), /format=jpeg&q=85/);
  await page.setInputFiles('#file-input', [fixturePath('photo-640x400.jpg')]);
  await waitForBatch(page, 1);
  const [square] = await rows(page);
  const info = imaging.probe(await bytesOf(page, square));
  // A square cut from the middle, never enlarged.
  assert.deepEqual([info.format, info.dimensions], ['jpeg', { width: 400, height: 400 }]);

  // Advanced from the keyboard: Tab from the preset reaches its summary, Enter opens it, and the
  // next Tab is its first field.
  await preset.focus();
  let tabs = 0;
  while (!(await page.evaluate(() => document.activeElement?.matches('details.advanced > summary')))) {
    await page.keyboard.press('Tab');
    assert.ok(++tabs < 12, 'Advanced is not reachable with Tab');
  }
  await page.keyboard.press('Enter');
  assert.equal(await advanced.evaluate((d) => d.open), true);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'resize');
  assert.equal(await page.getByLabel('Resize').inputValue(), 'cover');

  // Any field changed makes it Custom; the link keeps the fields.
  await page.getByLabel('Width (px)').fill('1000');
  await page.getByLabel('Width (px)').press('Enter');
  await page.waitForFunction(() => document.querySelector('#preset').value === 'custom');
  assert.match(page.url(), /w=1000/);
  await page.screenshot({ path: join(SHOTS, 'presets-custom.png'), fullPage: true });

  // Archive: every pixel, automatic "looks identical" quality.
  await preset.selectOption('archive');
  await page.waitForFunction(() => document.querySelector('#preset').value === 'archive');
  assert.equal(await page.getByLabel('Resize').inputValue(), 'none');
  assert.equal(await page.getByLabel('Quality', { exact: true }).inputValue(), 'visually-lossless');
  assert.deepEqual(page.errors, []);
  await page.close();

  // A link with a preset's values opens with that preset and Advanced folded; one of its own
  // opens Advanced, so what is in use is in sight.
  const email = await openApp(app.context, `${app.server.url}?resize=fit&w=1280&h=1280&format=jpeg&q=70`, { offline: false });
  assert.equal(await email.getByLabel('Made for').inputValue(), 'email');
  assert.equal(await email.locator('details.advanced').evaluate((d) => d.open), false);
  await email.close();
  const custom = await openApp(app.context, `${app.server.url}?resize=fit&w=1000&h=1000&format=png`, { offline: false });
  assert.equal(await custom.getByLabel('Made for').inputValue(), 'custom');
  assert.equal(await custom.getByLabel('Filter').isVisible(), true);
  await custom.getByRole('button', { name: 'Reset to defaults' }).click();
  await custom.close();
});
