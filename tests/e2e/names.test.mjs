// Result names: the original's name with the new extension by default, or a template checked like
// the other fields, carried in the link, used by a row's Save and the ZIP, repeats numbered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { openApp, rows, servedApp, waitForBatch } from '../support/browser.mjs';
import { fixture } from '../support/files.mjs';
import { readZip } from '../support/zip.mjs';

const app = servedApp();

test('results keep their names, or follow a checked template that renames without re-processing', async () => {
  const page = await openApp(app.context, `${app.server.url}?format=png`);
  const photo = Buffer.from(fixture('photo-640x400.jpg'));
  // Two files with the same name, from two folders.
  await page.setInputFiles('#file-input', [
    { name: 'same.jpg', mimeType: 'image/jpeg', buffer: photo },
    { name: 'same.jpg', mimeType: 'image/jpeg', buffer: photo },
  ]);
  await waitForBatch(page, 2);
  assert.deepEqual((await rows(page)).map((r) => r.download), ['same.png', 'same.png']);
  await page.evaluate(() => {
    window.restarts = 0;
    for (const row of document.querySelectorAll('.file-row')) {
      new MutationObserver(() => window.restarts++).observe(row, { attributes: true, attributeFilter: ['data-state'] });
    }
  });

  const names = page.getByLabel('File names');
  await names.fill('{name}-{size}');
  await names.press('Enter');
  const error = page.locator('#names-error');
  assert.equal(
    await error.textContent(),
    '“{size}” is not a part of a name: use {name}, {width}, {height}, {n} or {format}. Still using the original names.',
  );
  assert.equal(await names.getAttribute('aria-invalid'), 'true');
  assert.doesNotMatch(page.url(), /names=/);

  await names.fill('{name}-{width}w-{n}');
  await names.press('Enter');
  await page.waitForFunction(() => document.querySelector('.file-row a[download]').download === 'same-640w-1.png');
  assert.deepEqual((await rows(page)).map((r) => r.download), ['same-640w-1.png', 'same-640w-2.png']);
  assert.equal(await error.count(), 0);
  assert.match(page.url(), /names=%7Bname%7D-%7Bwidth%7Dw-%7Bn%7D/);
  assert.equal(await page.evaluate(() => window.restarts), 0, 'a new name re-processed the files');

  // Names that repeat are numbered in the ZIP.
  await names.fill('{name}');
  await names.press('Enter');
  await page.waitForFunction(() => document.querySelector('.file-row a[download]').download === 'same.png');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all (ZIP)' }).click()]);
  assert.deepEqual(readZip(readFileSync(await download.path())).map((e) => e.name), ['same.png', 'same-2.png']);

  // The link carries the template.
  const linked = await openApp(app.context, `${app.server.url}?names=trip-%7Bn%7D-%7Bheight%7D`, { offline: false });
  assert.equal(await linked.getByLabel('File names').inputValue(), 'trip-{n}-{height}');
  await linked.setInputFiles('#file-input', [{ name: 'x.jpg', mimeType: 'image/jpeg', buffer: photo }]);
  await waitForBatch(linked, 1);
  assert.deepEqual((await rows(linked)).map((r) => r.download), ['trip-1-400.jpg']);
  await linked.getByRole('button', { name: 'Reset to defaults' }).click();
  for (const p of [page, linked]) await p.close();
});
