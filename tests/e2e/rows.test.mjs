// One row at a time: a file's own turn (rotate, mirror) re-runs that file alone, and Retry brings
// back a failed or cancelled file without touching the rest of the batch.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { bytesOf, openApp, rows, servedApp, waitForBatch } from '../support/browser.mjs';
import { ROOT, fixture, fixturePath } from '../support/files.mjs';
import { decodePng, meanDifference } from '../support/png.mjs';

const SHOTS = join(ROOT, 'target/e2e');
before(() => mkdirSync(SHOTS, { recursive: true }));
const app = servedApp();

/** A photo decoded upright by the engine in Node, as PNG pixels. */
function upright(name) {
  const options = imaging.defaultOptions();
  options.resize.mode = { tag: 'none' };
  options.encode.encoding.format = 'png';
  options.encode.keepSmallerOriginal = false;
  return decodePng(imaging.process(fixture(name), options).bytes);
}

/** Pixels moved in JavaScript, independently of the engine: `at(x, y)` names the source pixel of
 *  output pixel (x, y) in an output of `width` × `height`. */
function remap(image, width, height, at) {
  const { channels } = image;
  const pixels = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = at(x, y);
      const from = (sy * image.width + sx) * channels;
      pixels.set(image.pixels.subarray(from, from + channels), (y * width + x) * channels);
    }
  }
  return { width, height, channels, pixels };
}

const turnRight = (img) => remap(img, img.height, img.width, (x, y) => [y, img.height - 1 - x]);
const mirror = (img) => remap(img, img.width, img.height, (x, y) => [img.width - 1 - x, y]);

/** The row of `name`, as a locator. */
const rowOf = (page, name) => page.locator('.file-row', { has: page.locator('.file-name', { hasText: name }) });

test("a row's own turn and mirror re-run that file only, are said in the row, and the pixels follow", async () => {
  const page = await openApp(app.context, `${app.server.url}?format=png`);
  await page.setInputFiles('#file-input', ['photo-640x400.jpg', 'palette.png'].map(fixturePath));
  await waitForBatch(page, 2);
  const other = rowOf(page, 'palette.png');
  const otherBefore = await other.locator('a[download]').getAttribute('href');
  const photo = rowOf(page, 'photo-640x400.jpg');
  assert.equal(await photo.locator('.result .dims').textContent(), '640×400');
  assert.equal(await photo.locator('.turn').count(), 0, 'no turn said before one is asked');

  await page.getByRole('button', { name: 'Rotate photo-640x400.jpg 90° right' }).click();
  await page.waitForFunction(() => {
    const row = [...document.querySelectorAll('.file-row')].find((r) => r.textContent.includes('photo-640x400.jpg'));
    return row.dataset.state === 'done' && row.querySelector('.result .dims')?.textContent === '400×640';
  });
  assert.equal(await photo.locator('.turn').textContent(), 'Turned 90° right');
  const [turned] = (await rows(page)).filter((r) => r.name === 'photo-640x400.jpg');
  const turnedPixels = decodePng(await bytesOf(page, turned));
  const expected = turnRight(upright('photo-640x400.jpg'));
  assert.deepEqual([turnedPixels.width, turnedPixels.height], [400, 640]);
  const diff = meanDifference(turnedPixels, expected);
  assert.ok(diff < 0.5, `not turned right: differs by ${diff.toFixed(2)} per sample`);

  // Mirrored after the turn, from the keyboard.
  await page.getByRole('button', { name: 'Mirror photo-640x400.jpg left to right' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => {
    const row = [...document.querySelectorAll('.file-row')].find((r) => r.textContent.includes('photo-640x400.jpg'));
    return row.dataset.state === 'done' && row.querySelector('.turn')?.textContent.includes('mirrored');
  });
  assert.equal(await photo.locator('.turn').textContent(), 'Turned 90° right, mirrored left to right');
  const [mirrored] = (await rows(page)).filter((r) => r.name === 'photo-640x400.jpg');
  const mirroredDiff = meanDifference(decodePng(await bytesOf(page, mirrored)), mirror(expected));
  assert.ok(mirroredDiff < 0.5, `not mirrored: differs by ${mirroredDiff.toFixed(2)} per sample`);

  // The other file was not run again (its result is the same object URL), and keeps no turn.
  assert.equal(await other.locator('a[download]').getAttribute('href'), otherBefore);
  assert.equal(await other.locator('.turn').count(), 0);

  // A change of the batch's settings keeps the row's own turn.
  await page.getByLabel('Format').selectOption('webp-lossless');
  await page.waitForFunction(() => [...document.querySelectorAll('.file-row a[download]')].every((a) => a.download.endsWith('.webp')));
  await waitForBatch(page, 2);
  assert.equal(await photo.locator('.result .dims').textContent(), '400×640');
  await page.screenshot({ path: join(SHOTS, 'row-turned.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Retry runs a cancelled file again, alone, with the current settings', async () => {
  // Slow jobs (each photo enlarged to 12 MP and written as PNG), so that cancel finds work to stop.
  const page = await openApp(app.context, `${app.server.url}?resize=exact&w=4000&h=3000&upscale=yes&format=png`);
  const photo = Buffer.from(fixture('photo-640x400.jpg'));
  const many = Array.from({ length: 12 }, (_, i) => ({ name: `copy-${i}.jpg`, mimeType: 'image/jpeg', buffer: photo }));
  await page.setInputFiles('#file-input', many);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await waitForBatch(page, many.length);
  const cancelled = (await rows(page)).filter((r) => r.state === 'cancelled');
  assert.ok(cancelled.length >= 2, `${cancelled.length} cancelled`);
  assert.equal(await page.getByRole('button', { name: /^Retry / }).count(), cancelled.length, 'each cancelled row offers Retry');
  assert.equal(await page.locator('.file-row[data-state="done"] .retry').count(), 0, 'a done row does not');

  const [first, ...others] = cancelled;
  await page.getByRole('button', { name: `Retry ${first.name}` }).click();
  await page.waitForFunction((name) => {
    const row = [...document.querySelectorAll('.file-row')].find((r) => r.querySelector('.file-name').textContent === name);
    return row.dataset.state === 'done';
  }, first.name);
  const after = await rows(page);
  const retried = after.find((r) => r.name === first.name);
  assert.deepEqual(imaging.probe(await bytesOf(page, retried)).dimensions, { width: 4000, height: 3000 });
  for (const row of others) assert.equal(after.find((r) => r.name === row.name).state, 'cancelled', `${row.name} was run too`);
  await page.getByRole('button', { name: 'Reset to defaults' }).click();
  await page.close();
});

test('Retry runs a failed file again once its worker has been replaced', async () => {
  const page = await openApp(app.context, `${app.server.url}?resize=fit&w=1920&h=1920`);
  // Every worker fails on its next job the way a trap does; the pool replaces each, so one file
  // per worker fails.
  // The image workers: the ZIP's worker (app/js/zip.js) is not in the pool.
  const workers = page.workers().filter((w) => w.url().endsWith('/worker.js'));
  for (const worker of workers) {
    await worker.evaluate(() => {
      self.onmessage = () => {
        throw new WebAssembly.RuntimeError('unreachable executed (simulated trap)');
      };
    });
  }
  const photo = Buffer.from(fixture('photo-640x400.jpg'));
  const names = ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'e.jpg'];
  await page.setInputFiles('#file-input', names.map((name) => ({ name, mimeType: 'image/jpeg', buffer: photo })));
  await waitForBatch(page, names.length);
  const failed = (await rows(page)).filter((r) => r.state === 'failed');
  assert.equal(failed.length, workers.length);
  await page.getByRole('button', { name: `Retry ${failed[0].name}` }).click();
  await page.waitForFunction((name) => {
    const row = [...document.querySelectorAll('.file-row')].find((r) => r.querySelector('.file-name').textContent === name);
    return row.dataset.state === 'done';
  }, failed[0].name);
  const row = (await rows(page)).find((r) => r.name === failed[0].name);
  assert.deepEqual(imaging.probe(await bytesOf(page, row)).dimensions, { width: 640, height: 400 });
  await page.close();
});
