// An accessibility audit of every state a person meets: axe-core (from node_modules, the version
// package.json pins) run inside the page at each state, light and dark, desktop and phone, the
// compare dialog's three views, the crop dialog and the widget on a host page. Any violation axe rates serious or
// critical fails the test; lesser ones are printed. Each state's screenshot is kept as
// target/e2e/a11y-<state>.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { serveDir } from '../../tools/serve.mjs';
import { launch, serveDist, waitForBatch, widgetFrame } from '../support/browser.mjs';
import { fixture, ROOT, scratchDir } from '../support/files.mjs';

const SHOTS = join(ROOT, 'target/e2e');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
const BLOCKING = new Set(['serious', 'critical']);
let server;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveDist();
});

after(() => server?.close());

/**
 * Runs axe in `target` (a page or a frame) as it is now and screenshots `page`; fails on serious
 * or critical violations. axe is evaluated through the DevTools protocol, which the page's
 * Content-Security-Policy does not govern, so the audit sees the app under its real policy.
 */
async function audit(page, state, target = page, { mustPass = [] } = {}) {
  await page.screenshot({ path: join(SHOTS, `a11y-${state}.png`), fullPage: true });
  if (!(await target.evaluate(() => 'axe' in window))) await target.evaluate(AXE);
  const { violations, version, passed, incomplete } = await target.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'], iframes: false });
    return {
      version: window.axe.version,
      passed: result.passes.map((p) => p.id),
      incomplete: result.incomplete.map((p) => `${p.id} (${p.nodes.length})`),
      violations: result.violations.map(({ id, impact, help, nodes }) => ({
        id,
        impact,
        help,
        nodes: nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replaceAll('\n', ' ')}`),
      })),
    };
  });
  assert.equal(version, JSON.parse(readFileSync(join(ROOT, 'node_modules/axe-core/package.json'), 'utf8')).version);
  console.log(`a11y ${state}: ${passed.length} rules passed; for a person to check: ${incomplete.join(', ') || 'none'}`);
  // The audit looked at the app: its rules for images, forms and contrast had elements to check.
  assert.ok(passed.includes('color-contrast') && passed.length >= 15, `${state}: axe checked too little (${passed.join(', ')})`);
  // Rules below "serious" that this state must pass all the same.
  for (const rule of mustPass) assert.ok(passed.includes(rule), `${state}: axe's ${rule} did not pass`);
  const minor = violations.filter((v) => !BLOCKING.has(v.impact));
  for (const v of minor) console.log(`a11y ${state}: ${v.impact} ${v.id} (${v.help}) on ${v.nodes.length} element(s)`);
  const blocking = violations.filter((v) => BLOCKING.has(v.impact));
  assert.deepEqual(blocking, [], `${state}: serious or critical accessibility violations`);
}

/** A JPEG cut short, as an interrupted download leaves it: the row that fails. */
function corruptFile() {
  const photo = fixture('photo-640x400.jpg');
  return { name: 'broken-download.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(photo.subarray(0, photo.length / 2)) };
}

/**
 * Holds every finished file in the image workers until `release(page)`: the workers do their real
 * work and report their stages, but the page hears of no result, so rows stay queued or working
 * for as long as the audit takes. Done by the browser's network layer on the worker's script (no
 * service worker, which would answer before it).
 */
async function holdResults(context) {
  await context.route('**/worker.js', async (route) => {
    const response = await route.fetch();
    const held = `const send = self.postMessage.bind(self); const held = []; let released = false;
new BroadcastChannel('localpix-a11y').onmessage = () => { released = true; for (const m of held.splice(0)) send(...m); };
self.postMessage = (message, transfer) => (released || !['done', 'failed'].includes(message?.kind)) ? send(message, transfer) : held.push([message, transfer]);
`;
    await route.fulfill({ response, body: held + (await response.text()) });
  });
}

const release = (page) => page.evaluate(() => new BroadcastChannel('localpix-a11y').postMessage('go'));

/** The app, ready, in a context of its own; results held back until released. */
async function openHeld(options) {
  const context = await launch(undefined, { serviceWorkers: 'block', ...options });
  await holdResults(context);
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('html[data-engine="ready"]', { timeout: 30000 });
  return { context, page };
}

/** A batch of several files, one of them damaged; audited while running, then when settled. */
async function batchStates(page, prefix) {
  const photo = Buffer.from(fixture('photo-640x400.jpg'));
  const files = [
    ...Array.from({ length: 5 }, (_, i) => ({ name: `holiday-${i + 1}.jpg`, mimeType: 'image/jpeg', buffer: photo })),
    { name: 'palette.png', mimeType: 'image/png', buffer: Buffer.from(fixture('palette.png')) },
    corruptFile(),
  ];
  await page.setInputFiles('#file-input', files);
  await page.waitForFunction(() => {
    const states = [...document.querySelectorAll('.file-row')].map((r) => r.dataset.state);
    // A working row names its stage (decoding, resizing, encoding).
    return states.includes('queued') && states.some((s) => !['queued', 'done', 'failed', 'cancelled'].includes(s));
  });
  await audit(page, `${prefix}-working`);
  await release(page);
  await waitForBatch(page, files.length);
  assert.equal(await page.locator('.file-row[data-state="failed"]').count(), 1);
  await audit(page, `${prefix}-done`);
}

/** The compare dialog on the first finished row, in each of its views; closed at the end. */
async function compareStates(page, prefix) {
  await page.locator('.file-row[data-state="done"]').first().getByRole('button', { name: 'Compare' }).click();
  const dialog = page.locator('dialog.compare[open]');
  await dialog.waitFor();
  await dialog.locator('img.after').evaluate((img) => img.decode());
  await audit(page, `${prefix}-compare-fit`);
  await dialog.getByRole('button', { name: '100%' }).click();
  await dialog.locator('.pane img').last().evaluate((img) => img.decode());
  await audit(page, `${prefix}-compare-100`);
  await dialog.getByRole('button', { name: /Differences/ }).click();
  await dialog.locator('img.difference').waitFor();
  await audit(page, `${prefix}-compare-differences`);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
}

/** The crop dialog on the first finished row, with a preset chosen; closed at the end. */
async function cropState(page, prefix) {
  await page.locator('.file-row[data-state="done"]').first().getByRole('button', { name: /^Crop / }).click();
  const dialog = page.locator('dialog.crop[open]');
  await dialog.waitFor();
  await dialog.locator('.crop-picture img').evaluate((img) => img.decode());
  await dialog.getByRole('button', { name: '16:9' }).click();
  await audit(page, `${prefix}-crop`);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
}

for (const colorScheme of ['light', 'dark']) {
  test(`desktop, ${colorScheme}: empty, settings open and folded, a batch running and done with a failure, compare, crop`, async () => {
    const { context, page } = await openHeld({ colorScheme });
    try {
      const prefix = `desktop-${colorScheme}`;
      await audit(page, `${prefix}-empty`);
      const settings = page.locator('details.settings');
      assert.equal(await settings.evaluate((d) => d.open), true, 'settings start open on a wide screen');
      await page.locator('details.settings > summary').click();
      assert.equal(await settings.evaluate((d) => d.open), false);
      await audit(page, `${prefix}-settings-folded`);
      await page.locator('details.settings > summary').click();
      await batchStates(page, prefix);
      await compareStates(page, prefix);
      await cropState(page, prefix);
    } finally {
      await context.close();
    }
  });
}

test('phone, light and dark: settings folded and open, a batch running and done, compare, crop', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { context, page } = await openHeld({ ...PHONE, colorScheme });
    try {
      const prefix = `phone-${colorScheme}`;
      const settings = page.locator('details.settings');
      assert.equal(await settings.evaluate((d) => d.open), false, 'settings start folded on a phone');
      await audit(page, `${prefix}-settings-folded`);
      await page.locator('details.settings > summary').tap();
      assert.equal(await settings.evaluate((d) => d.open), true);
      await audit(page, `${prefix}-settings-open`);
      await batchStates(page, prefix);
      await compareStates(page, prefix);
      await cropState(page, prefix);
    } finally {
      await context.close();
    }
  }
});

test('the widget on a host page, light and dark: empty, and with a result and a failure', async () => {
  // The example host page, served from an origin of its own, pointing at this localpix.
  const dir = scratchDir('localpix-a11y-host-');
  writeFileSync(join(dir, 'index.html'), readFileSync(join(ROOT, 'examples/embed.html'), 'utf8').replaceAll('http://127.0.0.1:8080/', server.url));
  const host = await serveDir(dir);
  try {
    for (const colorScheme of ['light', 'dark']) {
      const context = await launch(undefined, { colorScheme });
      try {
        const page = await context.newPage();
        await page.goto(host.url);
        const frame = await widgetFrame(page, server.url);
        await frame.waitForSelector('html[data-engine="ready"]', { timeout: 30000 });
        // The frame is a page to assistive technology: it has its own <h1>.
        await audit(page, `widget-${colorScheme}-empty`, frame, { mustPass: ['page-has-heading-one'] });
        await frame.setInputFiles('#file-input', [{ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(fixture('photo-640x400.jpg')) }, corruptFile()]);
        await waitForBatch(frame, 2);
        await audit(page, `widget-${colorScheme}-done`, frame, { mustPass: ['page-has-heading-one'] });
        // With each row's privacy summary shown (privacy="show").
        await page.evaluate(() => document.querySelector('localpix-resizer').setAttribute('privacy', 'show'));
        await frame.locator('.widget-privacy').first().waitFor();
        await audit(page, `widget-${colorScheme}-privacy`, frame, { mustPass: ['page-has-heading-one'] });
      } finally {
        await context.close();
      }
    }
  } finally {
    await host.close();
  }
});
