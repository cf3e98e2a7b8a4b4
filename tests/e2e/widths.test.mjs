// Several widths at once (a web page's srcset): one photo gives one result per width, each fit to
// it and named with it, never enlarged past the original; each has its own Save, all go in the
// ZIP, the row copies an <img srcset> of them, and the settings link carries the widths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { openApp, servedApp, waitForBatch } from '../support/browser.mjs';
import { ROOT, fixture } from '../support/files.mjs';
import { readZip } from '../support/zip.mjs';

const app = servedApp();

/** A JPEG's width and height, from its frame header (SOF0–SOF15 but DHT, JPG, DAC). */
function jpegSize(bytes) {
  const v = Buffer.from(bytes);
  let at = 2;
  while (at + 9 <= v.length) {
    const marker = v[at + 1];
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { width: v.readUInt16BE(at + 7), height: v.readUInt16BE(at + 5) };
    }
    at += 2 + v.readUInt16BE(at + 2);
  }
  throw new Error('no JPEG frame header');
}

test('one photo at several widths: a result per width, saved, zipped, and an <img srcset> to copy', async () => {
  // A folder to save into, as the File System Access API would give it.
  await app.context.addInitScript(() => {
    window.savedFiles = {};
    const writable = (name) => {
      const parts = [];
      return { write: async (blob) => parts.push(blob), close: async () => (window.savedFiles[name] = [...new Uint8Array(await new Blob(parts).arrayBuffer())]) };
    };
    window.showDirectoryPicker = async () => ({ getFileHandle: async (name) => ({ createWritable: async () => writable(name) }) });
  });
  const page = await openApp(app.context, `${app.server.url}?format=jpeg`);
  await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.url.replace(/\/$/, '') });
  await page.locator('details.advanced').evaluate((d) => (d.open = true));
  const field = page.getByLabel('Several widths (px)');
  await field.fill('480, 160 0');
  await field.press('Enter');
  assert.equal(await page.locator('#widths-error').textContent(), 'Each width must be 1 to 65 535 pixels, not 0. Still using one size.');
  assert.doesNotMatch(page.url(), /widths=/);
  // Typed in any order, with or without "w"; the photo is 640 wide, so 1280 cannot be made.
  await field.fill('480, 160 320w 1280');
  await field.press('Enter');
  await page.waitForFunction(() => location.search.includes('widths=160,320,480,1280'));
  assert.equal(await page.locator('#widths-error').count(), 0);

  await page.setInputFiles('#file-input', [{ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(fixture('photo-640x400.jpg')) }]);
  await waitForBatch(page, 1);
  const row = page.locator('.file-row');
  assert.equal(await row.getAttribute('data-state'), 'done');
  const sizes = row.getByRole('list', { name: 'Widths of photo.jpg' });
  assert.deepEqual(await sizes.locator('.width').allTextContents(), ['480w', '320w', '160w']);
  assert.match(await row.locator('.notes').textContent(), /Not made 1280 px wide: the original is narrower \(Never enlarge\)\./);

  // Each width saves on its own, named by the default {name}-{width}w, at that width.
  const expected = { 'photo-480w.jpg': [480, 300], 'photo-320w.jpg': [320, 200], 'photo-160w.jpg': [160, 100] };
  const links = sizes.locator('a[download]');
  assert.deepEqual(await links.evaluateAll((as) => as.map((a) => a.download)), Object.keys(expected));
  for (let i = 0; i < 3; i++) {
    const [download] = await Promise.all([page.waitForEvent('download'), links.nth(i).click()]);
    const { width, height } = jpegSize(readFileSync(await download.path()));
    assert.deepEqual([width, height], expected[download.suggestedFilename()], download.suggestedFilename());
  }

  // The ZIP holds all three, as made.
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all (ZIP)' }).click()]);
  const entries = readZip(readFileSync(await zip.path()));
  assert.deepEqual(
    Object.fromEntries(entries.map((e) => [e.name, Object.values(jpegSize(e.data))])),
    expected,
  );

  // And so does the folder.
  await page.getByRole('button', { name: 'Save all to a folder…' }).click();
  await page.getByText('3 images saved to the folder.').waitFor();
  const saved = await page.evaluate(() => window.savedFiles);
  assert.deepEqual(Object.fromEntries(Object.entries(saved).map(([name, bytes]) => [name, Object.values(jpegSize(bytes))])), expected);

  // The snippet names the files as saved, and gives the largest's intrinsic size.
  await row.getByRole('button', { name: 'Copy srcset of photo.jpg' }).click();
  await row.locator('.copied').getByText('srcset copied.').waitFor();
  await page.screenshot({ path: join(ROOT, 'target/e2e/widths.png') });
  assert.equal(
    await page.evaluate(() => navigator.clipboard.readText()),
    '<img src="photo-480w.jpg" srcset="photo-160w.jpg 160w, photo-320w.jpg 320w, photo-480w.jpg 480w" sizes="100vw" width="480" height="300" alt="">',
  );

  // The settings link carries the widths.
  const linked = await openApp(app.context, page.url(), { offline: false });
  await linked.locator('details.advanced').evaluate((d) => (d.open = true));
  assert.equal(await linked.getByLabel('Several widths (px)').inputValue(), '160, 320, 480, 1280');
  assert.match(await linked.locator('.settings-summary').textContent(), /^Widths 160, 320, 480, 1280 px · JPEG/);
  await linked.getByRole('button', { name: 'Reset to defaults' }).click();
  for (const p of [page, linked]) await p.close();
});
