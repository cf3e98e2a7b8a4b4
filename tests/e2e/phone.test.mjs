// localpix on a phone-sized screen (390×844, touch), and before its engine has arrived: the
// settings fold into one line so the batch is where the person looks, adding files brings the
// batch into view, and files chosen before the engine is ready say that they wait for it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { launch, rows, serveDist, waitForBatch } from '../support/browser.mjs';
import { ROOT, fixturePath } from '../support/files.mjs';

const SHOTS = join(ROOT, 'target/e2e');
const PHONE = { width: 390, height: 844 };
let server;
let context;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveDist();
  context = await launch(undefined, { viewport: PHONE, hasTouch: true, isMobile: true });
});

after(async () => {
  await context?.close();
  await server?.close();
});

test('on a phone the settings are one line, a tap opens them, and added files come into view', async () => {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('html[data-engine="ready"]');
  const settings = page.locator('details.settings');
  assert.equal(await settings.evaluate((d) => d.open), false, 'the settings start folded');
  assert.equal(await page.locator('.settings-summary').textContent(), 'Fit within 1920×1920 · Same as input · quality 80 · Remove all (private)');
  assert.equal(await page.getByLabel('Width (px)').isVisible(), false);
  const folded = await settings.boundingBox();
  assert.ok(folded.height < 140, `the folded settings are ${folded.height}px tall`);
  await page.screenshot({ path: join(SHOTS, 'phone-start.png') });

  await page.setInputFiles('#file-input', ['photo-640x400.jpg', 'palette.png', 'small.bmp'].map(fixturePath));
  await waitForBatch(page, 3);
  // The batch is on screen without the person scrolling: its toolbar and first row are visible.
  await page.waitForFunction(() => document.querySelector('.toolbar').getBoundingClientRect().top < 200);
  const first = await page.locator('.file-row').first().boundingBox();
  assert.ok(first.y >= 0 && first.y < PHONE.height, `the first row is at ${first.y}px`);
  assert.match(await page.locator('[role="status"][aria-live="polite"]').last().textContent(), /3/);
  await page.screenshot({ path: join(SHOTS, 'phone-batch.png') });
  // Targets a finger can hit: 44 px at least.
  for (const target of [page.locator('.file-row').first().getByRole('link', { name: /^Save/ }), page.getByRole('button', { name: 'Clear' })]) {
    const box = await target.boundingBox();
    assert.ok(box.height >= 44, `${await target.textContent()} is ${box.height}px tall`);
  }

  // A tap on the summary opens the form.
  await page.locator('details.settings > summary').tap();
  assert.equal(await settings.evaluate((d) => d.open), true);
  // The technical fields are one more tap away, under Advanced.
  assert.equal(await page.getByLabel('Made for').isVisible(), true);
  assert.equal(await page.getByLabel('Width (px)').isVisible(), false);
  const advanced = page.locator('details.advanced > summary');
  assert.ok((await advanced.boundingBox()).height >= 44, 'Advanced is a finger-sized target');
  await advanced.tap();
  assert.equal(await page.getByLabel('Width (px)').isVisible(), true);
  for (const box of await Promise.all((await page.locator('.field.check').all()).map((check) => check.boundingBox()))) {
    assert.ok(box.height >= 44, `a checkbox row is ${box.height}px tall`);
  }
  await page.close();
});

test('files chosen before the app and the engine have arrived wait for them, and then are processed', async () => {
  // A first visit: no service worker has stored the engine yet.
  const firstVisit = await launch(undefined, { viewport: PHONE, hasTouch: true, isMobile: true, serviceWorkers: 'block' });
  const page = await firstVisit.newPage();
  // Hold the app's and the engine's downloads back, as a slow connection would.
  const hold = () => {
    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    return { held, release };
  };
  const [app, engine] = [hold(), hold()];
  await page.route(/localpix-app-[0-9a-f]+_bg\.wasm$/, async (route) => {
    await app.held;
    await route.continue();
  });
  await page.route('**/localpix_core.core.wasm', async (route) => {
    await engine.held;
    await route.continue();
  });
  await page.goto(server.url, { waitUntil: 'commit' });
  // The page's shell: already there, its picker already works.
  await page.waitForSelector('#shell-input', { state: 'attached' });
  assert.equal(await page.getByRole('button', { name: 'Choose images…' }).isVisible(), true);
  await page.screenshot({ path: join(SHOTS, 'first-visit-shell.png') });
  await page.setInputFiles('#shell-input', [fixturePath('palette.png')]);
  app.release();
  // The app takes the shell's files; more can be chosen while the engine is still on its way.
  await page.waitForSelector('#file-input', { state: 'attached' });
  assert.equal(await page.locator('#shell').count(), 0, 'the shell made way for the app');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.engine), 'loading');
  await page.setInputFiles('#file-input', [fixturePath('photo-640x400.jpg')]);
  const label = page.locator('.file-row .state-label');
  await page.waitForFunction(() => [...document.querySelectorAll('.file-row .state-label')].every((l) => l.textContent === 'waiting for the engine'));
  assert.deepEqual(await label.allTextContents(), ['waiting for the engine', 'waiting for the engine']);
  engine.release();
  await waitForBatch(page, 2);
  assert.deepEqual((await rows(page)).map((r) => [r.name, r.state]), [['palette.png', 'done'], ['photo-640x400.jpg', 'done']]);
  await firstVisit.close();
});
