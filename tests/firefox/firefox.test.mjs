// The core flows in Firefox: Debian's firefox-esr driven by puppeteer-core over WebDriver BiDi
// (no browser is downloaded). The release build loads and its engine starts, a batch of fixtures
// is processed, one result and the ZIP are saved as downloads and read back, compare opens, the
// app reloads from its service worker with the server gone, and the widget works on a second
// origin (and takes the dark theme it is given), and the worker pool decodes a large JPEG in two
// halves across its two workers, which also share its encode. Chromium covers the rest (tests/e2e/); this is what must hold in
// both.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import puppeteer from 'puppeteer-core';

import { imaging } from '../../target/component/node/localpix_core.js';
import { serveDir } from '../../tools/serve.mjs';
import { fixturePath, ROOT, scratchDir } from '../support/files.mjs';
import { poolSite } from '../support/pool-site.mjs';
import { readZip } from '../support/zip.mjs';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const SHOTS = join(ROOT, 'target/e2e');
// The build to test: dist/ (`make dist`), or another one (LOCALPIX_DIST).
const DIST = process.env.LOCALPIX_DIST ?? join(ROOT, 'dist');
const downloads = scratchDir('localpix-firefox-downloads-');
let app; // localpix, served from dist/
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await serveDir(DIST);
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // Downloads go straight to a folder the test reads, with no dialog.
    extraPrefsFirefox: {
      'browser.download.dir': downloads,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
    },
  });
});

after(async () => {
  if (browser) console.log(`ran in ${await browser.version()}`);
  await browser?.close();
  await app?.close();
  rmSync(downloads, { recursive: true, force: true });
});

/** A new tab with localpix's engine ready. */
async function openApp(url = app.url) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  // Uncaught exceptions and errors logged to the console (a blocked request, a CSP violation).
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (message) => message.type() === 'error' && page.errors.push(message.text()));
  await page.goto(url);
  await page.waitForSelector('html[data-engine="ready"]', { timeout: 30000 });
  return page;
}

/** Waits until the page has `count` rows, all settled; returns them as `{ name, state, download }`. */
async function settled(page, count) {
  await page.waitForFunction(
    (n) => {
      const rows = [...document.querySelectorAll('.file-row')];
      return rows.length === n && rows.every((r) => ['done', 'failed', 'cancelled'].includes(r.dataset.state));
    },
    { timeout: 60000 },
    count,
  );
  return page.$$eval('.file-row', (rows) =>
    rows.map((r) => ({ name: r.querySelector('.file-name').textContent, state: r.dataset.state, download: r.querySelector('a[download]')?.getAttribute('download') ?? null })),
  );
}

/** The bytes of a file Firefox saves under `name` once `click()` has started its download. */
async function downloaded(name, click) {
  const path = join(downloads, name);
  rmSync(path, { force: true });
  await click();
  // Firefox writes `name.part`, then renames it to `name` when complete.
  for (let i = 0; i < 200; i++) {
    if (existsSync(path) && statSync(path).size > 0 && !existsSync(`${path}.part`)) return new Uint8Array(readFileSync(path));
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${name} was not downloaded; the folder has ${readdirSync(downloads).join(', ')}`);
}

test('Firefox: a batch of fixtures, one result and the ZIP downloaded, compare opens', async () => {
  const page = await openApp();
  const input = await page.$('#file-input');
  const inputs = ['phone-orient6-gps.jpg', 'alpha-640x360.png', 'palette.png', 'small.bmp', 'photo-lossy.webp'];
  await input.uploadFile(...inputs.map(fixturePath));
  const rows = await settled(page, inputs.length);
  assert.deepEqual(rows.map((r) => r.state), inputs.map(() => 'done'), JSON.stringify(rows));
  assert.equal(rows[0].download, 'phone-orient6-gps.jpg');

  // One result, through its Save link: the right size, and the GPS position gone.
  const saved = await downloaded(rows[0].download, () => page.click(`.file-row a[download="${rows[0].download}"]`));
  const info = imaging.probe(saved);
  assert.deepEqual([info.format, info.dimensions], ['jpeg', { width: 640, height: 400 }]);
  assert.deepEqual(info.metadata, []);

  // Download all: a ZIP holding every result under its row's name.
  const zipName = `localpix-${new Date().toISOString().slice(0, 10)}.zip`;
  const [zipButton] = await page.$$('xpath/.//button[normalize-space()="Download all (ZIP)"]');
  const entries = readZip(await downloaded(zipName, () => zipButton.click()));
  assert.deepEqual(entries.map((e) => e.name), rows.map((r) => r.download));
  assert.deepEqual(entries[0].data, saved, 'the ZIP holds the same bytes as the row');
  for (const entry of entries) assert.ok(imaging.probe(entry.data).dimensions.width > 0, entry.name);

  // Compare: a modal dialog with focus inside; Escape gives focus back to the row's button.
  const [compare] = await page.$$('xpath/(//tr[contains(@class, "file-row")])[1]//button[normalize-space()="Compare"]');
  await compare.click();
  await page.waitForSelector('dialog.compare[open] img.after');
  assert.equal(await page.evaluate(() => Boolean(document.activeElement?.closest('dialog[open]'))), true, 'focus moved into the dialog');
  await page.screenshot({ path: join(SHOTS, 'firefox-compare.png') });
  await page.keyboard.press('Escape');
  await page.waitForSelector('dialog.compare:not([open])');
  assert.match(await page.evaluate(() => document.activeElement?.textContent ?? ''), /Compare/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Firefox: after one visit the app reloads and works with the server gone (service worker)', async () => {
  const site = await serveDir(DIST);
  try {
    const page = await openApp(site.url);
    await page.waitForSelector('[data-offline="ready"]', { timeout: 60000 });
    await site.close();
    await page.reload();
    await page.waitForSelector('html[data-engine="ready"]', { timeout: 30000 });
    assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true, 'the page did not come from the service worker');
    const input = await page.$('#file-input');
    await input.uploadFile(fixturePath('photo-640x400.jpg'));
    const [row] = await settled(page, 1);
    assert.deepEqual([row.state, row.download], ['done', 'photo-640x400.jpg']);
    await page.screenshot({ path: join(SHOTS, 'firefox-offline.png') });
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await site.close().catch(() => {});
  }
});

test('Firefox: the widget on a second origin sends its results to the host page', async () => {
  const dir = scratchDir('localpix-firefox-host-');
  writeFileSync(join(dir, 'index.html'), readFileSync(join(ROOT, 'examples/embed.html'), 'utf8').replaceAll('http://127.0.0.1:8080/', app.url));
  const host = await serveDir(dir);
  try {
    const page = await browser.newPage();
    await page.goto(host.url);
    await page.evaluate(() => {
      window.heard = [];
      document.addEventListener('localpix-result', ({ detail }) => window.heard.push({ name: detail.file.name, width: detail.width, size: detail.file.size }));
      document.addEventListener('localpix-error', ({ detail }) => window.heard.push({ error: detail.message }));
    });
    let frame;
    for (let i = 0; i < 100 && !frame; i++) {
      frame = page.frames().find((f) => f.url().startsWith(`${app.url}embed.html`));
      if (!frame) await new Promise((done) => setTimeout(done, 100));
    }
    assert.ok(frame, 'the widget frame never appeared');
    await frame.waitForSelector('html[data-engine="ready"]', { timeout: 30000 });
    const input = await frame.$('#file-input');
    await input.uploadFile(fixturePath('phone-orient6-gps.jpg'));
    await page.waitForFunction(() => window.heard.length === 1, { timeout: 30000 });
    const [heard] = await page.evaluate(() => window.heard);
    // max-width="1280" on the element: the 640-pixel photo keeps its size (never enlarged).
    assert.deepEqual([heard.name, heard.width], ['phone-orient6-gps.jpg', 640]);
    assert.ok(heard.size > 0);
    // theme="dark" on the element: the widget's colours turn dark (light-dark() in Firefox too).
    await page.evaluate(() => document.querySelector('localpix-resizer').setAttribute('theme', 'dark'));
    await frame.waitForSelector('html[data-theme="dark"]');
    assert.equal(await frame.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(21, 23, 26)');
    await page.screenshot({ path: join(SHOTS, 'firefox-embed.png') });
    await page.close();
  } finally {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Firefox: a large JPEG is decoded and encoded in halves by the pool's two workers, to the same bytes as by one", async () => {
  const dir = poolSite('localpix-firefox-halves-');
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>halves</title>');
  const site = await serveDir(dir);
  const page = await browser.newPage();
  try {
    await page.goto(site.url);
    const options = imaging.defaultOptions();
    options.resize.mode = { tag: 'fit-within', val: { width: 1920, height: 1920 } };
    const result = await page.evaluate(async (options) => {
      const { WorkerPool } = await import('./bridge.js');
      // A made-up 10.4 MP photo, drawn and encoded (baseline) by the browser.
      const canvas = new OffscreenCanvas(4000, 2600);
      const context = canvas.getContext('2d');
      let seed = 7;
      const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
      for (let i = 0; i < 3000; i++) {
        context.fillStyle = `rgb(${random() * 255} ${random() * 255} ${random() * 255})`;
        context.beginPath();
        context.arc(random() * 4000, random() * 2600, 2 + random() * 60, 0, 2 * Math.PI);
        context.fill();
      }
      const file = new File([await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })], 'made-up.jpeg', { type: 'image/jpeg' });
      const run = async (size) => {
        const pool = new WorkerPool(size, { warmUp: false });
        await pool.ready;
        const halves = [];
        const receive = pool.receive.bind(pool);
        pool.receive = (worker, message) => {
          if (message.kind === 'half-done') halves.push([message.gave, message.quantized]);
          receive(worker, message);
        };
        const { blob } = await pool.run(1, file, options, () => {});
        for (const worker of pool.workers) worker.terminate();
        return { halves, bytes: new Uint8Array(await blob.arrayBuffer()) };
      };
      const [one, two] = [await run(1), await run(2)];
      return { halves: two.halves, length: one.bytes.length, same: one.bytes.length === two.bytes.length && one.bytes.every((b, i) => b === two.bytes[i]) };
    }, options);
    assert.deepEqual(result.halves, [[true, true]], 'the second worker decoded the bottom half, gave its rows and quantised the bottom of the encode');
    assert.ok(result.length > 10_000 && result.same, `the results differ (${result.length} bytes by one worker)`);
  } finally {
    await page.close();
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
