// A batch too large for the device's memory: refused per file before it starts, or run one at a
// time, never a crashed worker. The device is a phone's: Chromium says how much memory the
// device has (`navigator.deviceMemory`, GB); an init script makes it say 0.5 or 1, as a low-end
// phone's Chromium does. The pool gives the engine a quarter of it (app/js/bridge.js), and the
// engine refuses a job whose estimated peak is over that, from the file's header
// (core-component/src/memory.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { openApp, rows, servedApp, waitForBatch } from '../support/browser.mjs';
import { fixture } from '../support/files.mjs';
import { encodeFlatPng } from '../support/png.mjs';

const served = servedApp();

/** The app on a device that reports `gb` of memory. */
async function openOnDevice(gb) {
  await served.context.addInitScript((gb) => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => gb, configurable: true }), gb);
  const page = await openApp(served.context, served.server.url, { offline: false });
  const warnings = [];
  page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
  return { page, warnings };
}

/** From now on, at every change of any row's state, every row's `[name, state]` in
 *  `window.rowStates`. */
function recordRowStates(page) {
  return page.evaluate(() => {
    window.rowStates = [];
    new MutationObserver(() => {
      window.rowStates.push([...document.querySelectorAll('.file-row')].map((r) => [r.querySelector('.file-name')?.textContent, r.dataset.state]));
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
}

const photo = Buffer.from(fixture('photo-640x400.jpg'));
const small = (name) => ({ name, mimeType: 'image/jpeg', buffer: photo });

test('on a phone with 0.5 GB, a 36-megapixel PNG is refused before it starts, with what it needs; the other files are done', async () => {
  const { page, warnings } = await openOnDevice(0.5);
  const files = [small('before.jpg'), { name: 'huge.png', mimeType: 'image/png', buffer: encodeFlatPng(6000, 6000) }, small('after.jpg')];
  await page.setInputFiles('#file-input', files);
  await waitForBatch(page, files.length);

  const list = await rows(page);
  assert.deepEqual(
    list.map((r) => [r.name, r.state]),
    [
      ['before.jpg', 'done'],
      ['huge.png', 'failed'],
      ['after.jpg', 'done'],
    ],
  );
  // A quarter of 0.5 GB: 128 MB. The engine's own words, then the app's advice.
  assert.match(list[1].error, /^The image is 6000×6000: decoding it needs about \d+ MB of memory, over the limit of 128 MB\.$/);
  const note = await page.locator('.file-row', { hasText: 'huge.png' }).locator('span.fine-print').textContent();
  assert.match(note, /128 MB of memory for one image on this device\. A smaller size needs less/);
  // Refused by the estimate, not by a trap: no worker stopped.
  assert.deepEqual(warnings.filter((w) => w.includes('stopped on')), []);
  assert.deepEqual(page.errors, [], 'the page threw');
  await page.close();
});

test('on a phone with 1 GB, a 20-megapixel image runs alone: no other file is processed beside it, and its worker is ended after it', async () => {
  const { page, warnings } = await openOnDevice(1);
  const imageWorkers = () => page.workers().filter((w) => w.url().endsWith('/worker.js'));
  assert.ok(imageWorkers().length >= 2, 'the pool must have two workers for the test to mean anything');
  let ended = 0;
  for (const worker of imageWorkers()) worker.on('close', () => ended++);
  await recordRowStates(page);
  const files = [small('a.jpg'), { name: 'big.png', mimeType: 'image/png', buffer: encodeFlatPng(5000, 4000) }, small('b.jpg'), small('c.jpg')];
  await page.setInputFiles('#file-input', files);
  await waitForBatch(page, files.length);

  const list = await rows(page);
  assert.deepEqual(list.map((r) => r.state), ['done', 'done', 'done', 'done'], JSON.stringify(list.map((r) => [r.name, r.state, r.error])));
  const working = (state) => !['queued', 'done', 'failed', 'cancelled'].includes(state);
  const snapshots = await page.evaluate(() => window.rowStates);
  const bigRan = snapshots.filter((s) => s.some(([name, state]) => name === 'big.png' && working(state)));
  assert.ok(bigRan.length > 0, 'big.png was never seen working');
  const beside = bigRan.filter((s) => s.some(([name, state]) => name !== 'big.png' && working(state)));
  assert.deepEqual(beside, [], 'another file was processed while big.png ran');
  // The workers that were idle when it started, and its own after it, gave their memory back.
  assert.ok(ended >= 2, `only ${ended} image worker(s) ended`);
  assert.deepEqual(warnings.filter((w) => w.includes('stopped on')), []);
  assert.deepEqual(page.errors, [], 'the page threw');
  await page.close();
});

test('a worker keeps a resized image for quick re-encodes only while it is small beside the device\'s share', async () => {
  // 0.25 GB (Chromium's smallest figure): 64 MB for the engine, of which an eighth, 8 MB, for the
  // resized images a worker keeps. The photo's 640×400 (1 MB) is kept; the graphic's 1920×1440
  // (11 MB) is not, so a change of format decodes it again (its row passes through "resizing").
  const { page, warnings } = await openOnDevice(0.25);
  await recordRowStates(page);
  const files = [small('photo.jpg'), { name: 'graphic.png', mimeType: 'image/png', buffer: encodeFlatPng(2000, 1500) }];
  await page.setInputFiles('#file-input', files);
  await waitForBatch(page, files.length);
  await page.evaluate(() => (window.rowStates = []));
  await page.locator('details.advanced > summary').click();
  await page.getByLabel('Format').selectOption('webp-lossless');
  await page.waitForFunction(() => [...document.querySelectorAll('.file-row a[download]')].every((a) => a.download.endsWith('.webp')));
  await waitForBatch(page, files.length);
  const snapshots = await page.evaluate(() => window.rowStates);
  const stages = (file) => new Set(snapshots.flatMap((s) => s.filter(([name]) => name === file).map(([, state]) => state)));
  assert.ok(stages('photo.jpg').has('encoding') && !stages('photo.jpg').has('resizing'), `photo.jpg: ${[...stages('photo.jpg')]}`);
  assert.ok(stages('graphic.png').has('resizing'), `graphic.png was not decoded again: ${[...stages('graphic.png')]}`);
  assert.deepEqual(warnings.filter((w) => w.includes('stopped on')), []);
  assert.deepEqual(page.errors, [], 'the page threw');
  await page.close();
});
