// Debian's Chromium, headless, driven by playwright-core, against a built localpix served here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { after, before } from 'node:test';

import { chromium } from 'playwright-core';

import { serveDir } from '../../tools/serve.mjs';
import { ROOT, scratchDir } from './files.mjs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// As root Chromium needs --no-sandbox; the rest keep it from calling home on this closed network.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A fresh profile directory; pass it again to `launch` for a cold restart of the same browser. */
export function freshProfile() {
  return scratchDir('localpix-chromium-');
}

/** Chromium with its own profile (service workers and caches persist in it across launches). */
export function launch(profile = freshProfile(), options = {}) {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    ...options,
  });
}

/** Serves dist/ (or another build, `dir`) on a free port, as `serveDir` does. */
export function serveDist({ dir = join(ROOT, 'dist'), headers } = {}) {
  return serveDir(dir, headers);
}

/** For a test file: dist/ served and Chromium launched before its tests, both closed after them.
 *  Returns `{ server, context }`, filled in once the tests start. */
export function servedApp(launchOptions) {
  const app = {};
  before(async () => {
    app.server = await serveDist();
    app.context = await launch(undefined, launchOptions);
  });
  after(async () => {
    await app.context?.close();
    await app.server?.close();
  });
  return app;
}

/** Records every request a browser context makes, from now on. */
export function recordRequests(context) {
  const requests = [];
  context.on('request', (request) =>
    requests.push({ url: request.url(), method: request.method(), body: request.postDataBuffer(), response: () => request.response() }),
  );
  return requests;
}

/** Fails unless every request in `requests` (from `recordRequests`) is one the app may make
 *  while it processes images: a bodiless GET of one of the engine's files (a file that needs the
 *  full engine loads it), answered by the service worker from this device's cache. Nothing is
 *  sent anywhere, and nothing comes from the network. */
export async function assertStayedOnDevice(requests, what) {
  for (const request of requests.filter((r) => /^(https?|wss?):/.test(r.url))) {
    assert.match(new URL(request.url).pathname, /^\/component\/localpix_core\.[\w.]*wasm$/, `${what} made a request: ${request.url}`);
    assert.deepEqual([request.method, request.body], ['GET', null], `${what} sent something: ${request.url}`);
    assert.ok((await request.response())?.fromServiceWorker(), `${what} fetched ${request.url} from the network, not the device`);
  }
}

/** Opens localpix and waits until its workers have loaded the engine and, unless told not to,
 *  until it is stored for offline use (so that no install traffic overlaps what a test records).
 *  Content-Security-Policy violations are collected in the page's `__violations`. */
export async function openApp(context, url, { offline = true } = {}) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  await page.waitForSelector('html[data-engine="ready"]', { timeout: 30000 });
  if (offline) await page.waitForSelector('[data-offline="ready"]', { timeout: 60000 });
  page.errors = errors;
  return page;
}

/** The Content-Security-Policy violations the page has seen. */
export function violations(page) {
  return page.evaluate(() => window.__violations);
}

/** Waits until the batch has `count` rows, all finished (done, failed or cancelled). */
export async function waitForBatch(page, count, timeout = 120000) {
  await page.waitForFunction(
    (n) => {
      const rows = [...document.querySelectorAll('.file-row')];
      return rows.length === n && rows.every((r) => ['done', 'failed', 'cancelled'].includes(r.dataset.state));
    },
    count,
    { timeout },
  );
}

/** Every row as `{ name, state, error, href, download }`, in order. */
export function rows(page) {
  return page.$$eval('.file-row', (trs) =>
    trs.map((tr) => ({
      name: tr.querySelector('.file-name')?.textContent,
      state: tr.dataset.state,
      error: tr.querySelector('.error')?.textContent ?? null,
      href: tr.querySelector('a[download]')?.href ?? null,
      download: tr.querySelector('a[download]')?.getAttribute('download') ?? null,
      privacy: tr.querySelector('.privacy')?.textContent ?? '',
    })),
  );
}

/** A row's result, saved through its own download link as a person would (the page's
 *  Content-Security-Policy rightly stops scripts from fetching even blob: URLs). */
export async function bytesOf(page, row) {
  const link = page.locator(`.file-row a[download="${row.download}"]`).first();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), row.download);
  return new Uint8Array(readFileSync(await download.path()));
}

/** The frame of localpix's widget (embed.html from `localpixUrl`) on a host page, once it exists. */
export async function widgetFrame(page, localpixUrl) {
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => f.url().startsWith(`${localpixUrl}embed.html`));
    if (frame) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('the widget frame never appeared');
}

/** Resident memory of the renderers this process started: tests/support/memory.mjs. */
export { rendererMemoryMb } from './memory.mjs';
