// One row's crop: the editor opens on the row's upright picture, a preset shapes the frame, the
// pointer or the keyboard moves and resizes it, Apply re-runs that file alone with the crop (cut
// in the engine before the resize), Reset removes it, and focus goes back to the row's Crop button.
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

const PHOTO = 'photo-640x400.jpg';

/** The photo decoded upright by the engine in Node, cut to `crop` in JavaScript. */
function uprightCrop(name, { left, top, width, height }) {
  const options = imaging.defaultOptions();
  options.resize.mode = { tag: 'none' };
  options.encode.encoding.format = 'png';
  options.encode.keepSmallerOriginal = false;
  const image = decodePng(imaging.process(fixture(name), options).bytes);
  const { channels } = image;
  const pixels = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * channels;
    pixels.set(image.pixels.subarray(from, from + width * channels), y * width * channels);
  }
  return { width, height, channels, pixels };
}

/** The row of `name`, as a locator. */
const rowOf = (page, name) => page.locator('.file-row', { has: page.locator('.file-name', { hasText: name }) });

/** Waits until the row of `name` is done with a result of `dims` ("400×400"). */
async function waitForResult(page, name, dims) {
  await page.waitForFunction(
    ([name, dims]) => {
      const row = [...document.querySelectorAll('.file-row')].find((r) => r.querySelector('.file-name').textContent === name);
      return row?.dataset.state === 'done' && row.querySelector('.result .dims')?.textContent === dims;
    },
    [name, dims],
  );
}

/** The accessible name of the focused element (its aria-label or its text). */
const focused = (page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent);

/** Presses Tab until the element named `name` has focus, as a keyboard user would. */
async function tabTo(page, name) {
  for (let i = 0; i < 150; i++) {
    if ((await focused(page)) === name) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${name}`);
}

test('a crop chosen with the pointer: 1:1 gives a square result of that file alone, Reset gives the whole picture back', async () => {
  const page = await openApp(app.context, `${app.server.url}?format=png`);
  await page.setInputFiles('#file-input', [PHOTO, 'palette.png'].map(fixturePath));
  await waitForBatch(page, 2);
  const other = rowOf(page, 'palette.png');
  const otherBefore = await other.locator('a[download]').getAttribute('href');
  const photo = rowOf(page, PHOTO);
  assert.equal(await photo.locator('.result .dims').textContent(), '640×400');
  assert.equal(await photo.locator('.cropped').count(), 0, 'no crop said before one is chosen');

  await page.getByRole('button', { name: `Crop ${PHOTO}` }).click();
  const dialog = page.locator('dialog.crop[open]');
  await dialog.waitFor();
  // The picture the editor shows is the file upright, made by a worker.
  const shown = dialog.locator('.crop-picture img');
  await shown.evaluate((img) => img.decode());
  assert.deepEqual(await shown.evaluate((img) => [img.naturalWidth, img.naturalHeight]), [640, 400]);
  assert.equal(await dialog.locator('.crop-size').textContent(), 'Crop 640×400 of 640×400');
  assert.equal(await focused(page), 'Crop frame, 640×400', 'focus starts on the frame');

  await dialog.getByRole('button', { name: '1:1' }).click();
  assert.equal(await dialog.locator('.crop-size').textContent(), 'Crop 400×400 of 640×400');
  // Dragged by the pointer: the whole frame to the right (and past the edge, where it stops).
  const frame = await dialog.locator('.crop-frame').boundingBox();
  const stage = await dialog.locator('.crop-stage').boundingBox();
  await page.mouse.move(frame.x + frame.width / 2, frame.y + frame.height / 2);
  await page.mouse.down();
  await page.mouse.move(frame.x + frame.width / 2 + stage.width, frame.y + frame.height / 2, { steps: 4 });
  await page.mouse.up();
  assert.equal(await dialog.locator('.crop-size').textContent(), 'Crop 400×400 of 640×400');
  // A corner dragged inwards by a quarter of the shown picture: still square, from the fixed
  // top-left corner. (Pointer events carry whole CSS pixels, so the drag is whole pixels too.)
  const corner = await dialog.getByRole('button', { name: 'Resize from the bottom right corner' }).boundingBox();
  const [x, y, by] = [Math.round(corner.x + corner.width / 2), Math.round(corner.y + corner.height / 2), Math.round(stage.width / 4)];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x - by, y, { steps: 4 });
  await page.mouse.up();
  const side = Math.round(400 - (by * 640) / stage.width);
  assert.ok(Math.abs(side - 240) <= 2, `${side}`);
  assert.equal(await dialog.locator('.crop-size').textContent(), `Crop ${side}×${side} of 640×400`);
  await page.screenshot({ path: join(SHOTS, 'crop-dialog.png') });
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await focused(page), `Crop ${PHOTO}`, 'focus is back on the row');

  await waitForResult(page, PHOTO, `${side}×${side}`);
  assert.equal(await photo.locator('.cropped').textContent(), `Cropped to ${side}×${side}`);
  const [cropped] = (await rows(page)).filter((r) => r.name === PHOTO);
  const square = uprightCrop(PHOTO, { left: 240, top: 0, width: side, height: side });
  const diff = meanDifference(decodePng(await bytesOf(page, cropped)), square);
  assert.ok(diff < 0.5, `not the top-right square: differs by ${diff.toFixed(2)} per sample`);
  // The other file was not run again.
  assert.equal(await other.locator('a[download]').getAttribute('href'), otherBefore);
  assert.equal(await other.locator('.cropped').count(), 0);

  // Turned, the crop follows its picture: the top-right square becomes the bottom-right one.
  await page.getByRole('button', { name: `Rotate ${PHOTO} 90° right` }).click();
  await page.waitForFunction(() => document.querySelector('.file-row .turn'));
  await waitForResult(page, PHOTO, `${side}×${side}`);
  await page.getByRole('button', { name: `Crop ${PHOTO}` }).click();
  await dialog.waitFor();
  assert.equal(await dialog.locator('.crop-size').textContent(), `Crop ${side}×${side} of 400×640`);

  await dialog.getByRole('button', { name: 'Reset' }).click();
  await dialog.waitFor({ state: 'detached' });
  await waitForResult(page, PHOTO, '400×640');
  assert.equal(await photo.locator('.cropped').count(), 0);
  assert.equal(await focused(page), `Crop ${PHOTO}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a crop chosen by keyboard alone: 1:1, moved and resized with the arrow keys, applied; Escape changes nothing', async () => {
  const page = await openApp(app.context, `${app.server.url}?format=png`);
  await page.setInputFiles('#file-input', [fixturePath(PHOTO)]);
  await waitForBatch(page, 1);
  await tabTo(page, `Crop ${PHOTO}`);
  await page.keyboard.press('Enter');
  const dialog = page.locator('dialog.crop[open]');
  await dialog.waitFor();
  await page.waitForFunction(() => document.activeElement?.classList.contains('crop-frame'));
  const size = () => dialog.locator('.crop-size').textContent();

  // Escape closes without a crop.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await focused(page), `Crop ${PHOTO}`);
  assert.equal(await rowOf(page, PHOTO).locator('.cropped').count(), 0);

  await page.keyboard.press('Enter');
  await dialog.waitFor();
  await page.waitForFunction(() => document.activeElement?.classList.contains('crop-frame'));
  await tabTo(page, '1:1');
  await page.keyboard.press('Enter');
  assert.equal(await size(), 'Crop 400×400 of 640×400');
  // Shift+arrow moves a tenth of the picture (64 pixels), an arrow a hundredth (6).
  await tabTo(page, 'Crop frame, 400×400');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  // From the bottom-right corner, arrows resize, keeping the square.
  await tabTo(page, 'Resize from the bottom right corner');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Shift+ArrowUp');
  assert.equal(await size(), 'Crop 272×272 of 640×400');
  await tabTo(page, 'Apply');
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await focused(page), `Crop ${PHOTO}`);

  await waitForResult(page, PHOTO, '272×272');
  const [row] = await rows(page);
  const diff = meanDifference(decodePng(await bytesOf(page, row)), uprightCrop(PHOTO, { left: 50, top: 0, width: 272, height: 272 }));
  assert.ok(diff < 0.5, `not the square moved left: differs by ${diff.toFixed(2)} per sample`);

  // Reset, by keyboard too, brings back the whole picture.
  await page.getByRole('button', { name: `Crop ${PHOTO}` }).focus();
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  assert.equal(await size(), 'Crop 272×272 of 640×400', 'the editor opens on the crop chosen');
  await tabTo(page, 'Reset');
  await page.keyboard.press('Enter');
  await waitForResult(page, PHOTO, '640×400');
  assert.equal(await focused(page), `Crop ${PHOTO}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});
