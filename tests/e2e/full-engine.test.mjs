// The engine in two builds (Makefile, `component`; app/js/worker.js): the page loads the light one,
// and the full one (TIFF and HEIC input, lossy WebP output) only when a file or a setting needs it,
// after which it is kept for offline use. These tests watch the network to hold the first visit to
// the light engine, and check that a file needing the full one is done, says what it waits for,
// and fails with a clear message, without harm to the batch, when the full engine cannot be had.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { imaging } from '../../target/component/node/localpix_core.js';
import { bytesOf, launch, openApp, recordRequests, rows, servedApp, waitForBatch } from '../support/browser.mjs';
import { fixturePath } from '../support/files.mjs';

const FULL = 'localpix_core.full.core.wasm';
const LIGHT = 'localpix_core.core.wasm';
const app = servedApp();

test('the first visit loads the light engine; the full one is fetched only after it, by the service worker', async () => {
  const context = await launch();
  // Browser events in the order they happened: requests starting, and requests finished.
  const events = [];
  context.on('request', (request) => events.push({ kind: 'start', url: request.url(), sw: !!request.serviceWorker() }));
  context.on('requestfinished', (request) => events.push({ kind: 'end', url: request.url() }));
  // The light engine arrives late, as on a slow network, while the app itself runs early: a
  // service worker registered by the app at once would fetch the full engine meanwhile.
  await context.route(`**/component/${LIGHT}`, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await route.continue();
  });
  try {
    const page = await context.newPage();
    await page.goto(app.server.url);
    await page.waitForSelector('html[data-engine="ready"]', { timeout: 30000 });
    await page.waitForSelector('[data-offline="ready"]', { timeout: 60000 });
  } finally {
    await context.close();
  }
  const index = (kind, file) => events.findIndex((e) => e.kind === kind && e.url.endsWith(`/component/${file}`));
  const full = events.filter((e) => e.kind === 'start' && e.url.endsWith(`/component/${FULL}`));
  assert.ok(index('end', LIGHT) >= 0, 'the page fetched the light engine');
  assert.ok(full.length >= 1, 'the full engine was stored for offline use');
  // The page itself never asked for it (no file needed it), and the service worker only once the
  // light engine had arrived: nothing shared the first visit's bandwidth with the light engine.
  assert.deepEqual(full.filter((e) => !e.sw), [], 'the page did not fetch the full engine');
  assert.ok(index('start', FULL) > index('end', LIGHT), 'the full engine was fetched after the light one had arrived');
});

test('a TIFF and a lossy WebP output are done by the full engine, and the row says it is being loaded', async () => {
  const context = await launch();
  try {
    // Hold the full engine back a little (a slow network), so the row's wait can be seen.
    await context.route(`**/component/${FULL}`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    const page = await openApp(context, `${app.server.url}?format=webp&q=75`, { offline: false });
    await page.setInputFiles('#file-input', [fixturePath('photo-640x400.jpg'), fixturePath('small.tiff')]);
    await page.waitForSelector('.file-row[data-state="loading the full engine"]', { timeout: 30000 });
    await waitForBatch(page, 2);
    const list = await rows(page);
    assert.deepEqual(list.map((r) => [r.state, r.download]), [['done', 'photo-640x400.webp'], ['done', 'small.webp']]);
    for (const row of list) {
      const info = imaging.probe(await bytesOf(page, row));
      assert.deepEqual([info.format, info.lossy], ['webp', true], row.name);
    }
  } finally {
    await context.close();
  }
});

test('AVIF, chosen in the settings, is written by the full engine', async () => {
  const context = await launch();
  try {
    const page = await openApp(context, `${app.server.url}?format=avif&q=60`, { offline: false });
    await page.setInputFiles('#file-input', [fixturePath('photo-640x400.jpg'), fixturePath('alpha-640x360.png')]);
    await waitForBatch(page, 2);
    const list = await rows(page);
    assert.deepEqual(list.map((r) => [r.state, r.download]), [['done', 'photo-640x400.avif'], ['done', 'alpha-640x360.avif']]);
    for (const row of list) {
      const bytes = Buffer.from(await bytesOf(page, row));
      // An AVIF file: an ISO media file whose major brand is `avif` (the engine writes AVIF but
      // does not read it; tests/component/avif.test.mjs decodes it with Pillow).
      assert.deepEqual([bytes.toString('latin1', 4, 8), bytes.toString('latin1', 8, 12)], ['ftyp', 'avif'], row.name);
    }
  } finally {
    await context.close();
  }
});

test('when the full engine cannot be fetched, its file fails saying so, the others are done, and a later file retries', async () => {
  const context = await launch();
  try {
    let refuse = true;
    await context.route(`**/component/${FULL}`, (route) => (refuse ? route.abort('internetdisconnected') : route.continue()));
    const page = await openApp(context, app.server.url, { offline: false });
    await page.setInputFiles('#file-input', [fixturePath('small.tiff'), fixturePath('photo-640x400.jpg')]);
    await waitForBatch(page, 2);
    let list = await rows(page);
    assert.deepEqual(list.map((r) => r.state), ['failed', 'done']);
    assert.match(list[0].error, /TIFF.*could not be loaded/s);
    // The network is back: the next TIFF loads the full engine.
    refuse = false;
    await page.setInputFiles('#file-input', [fixturePath('private-meta.tiff')]);
    await waitForBatch(page, 3);
    list = await rows(page);
    assert.equal(list[2].state, 'done', list[2].error ?? '');
  } finally {
    await context.close();
  }
});
