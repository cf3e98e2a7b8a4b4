// The widget on another site: examples/embed.html served from a second origin embeds localpix
// (the first origin) with its one snippet. Results arrive as events; messages from elsewhere are
// ignored; the widget keeps working when the host page's network is cut; nothing leaves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { serve } from '../../tools/serve.mjs';
import { launch, recordRequests, serveDist } from '../support/browser.mjs';
import { ROOT, contains, fixture, fixturePath } from '../support/files.mjs';

let localpix;
let host;
let foreign;
let context;

/** Serves `files` (name → content) from a directory of their own, on a port of their own. */
async function serveFiles(files, headers) {
  const dir = mkdtempSync(join(tmpdir(), 'localpix-site-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const server = await serve({ dir, port: 0, headers });
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

before(async () => {
  localpix = await serveDist();
  // The example page as its site would publish it, pointing at this localpix.
  const example = readFileSync(join(ROOT, 'examples/embed.html'), 'utf8').replaceAll('http://127.0.0.1:8080/', localpix.url);
  host = await serveFiles({ 'index.html': example });
  context = await launch();
});

after(async () => {
  await context?.close();
  for (const s of [localpix, host?.server, foreign?.server]) await (s?.close ? s.close() : new Promise((done) => s?.close(done)));
});

/** The host page with the widget loaded, and the widget's frame. */
async function openHost() {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  await page.goto(host.url);
  // Every event the host page hears, as plain data the test can read.
  await page.evaluate(() => {
    window.heard = [];
    document.addEventListener('localpix-result', async ({ detail }) => {
      const bytes = [...new Uint8Array(await detail.file.arrayBuffer())];
      window.heard.push({ kind: 'result', name: detail.file.name, type: detail.file.type, width: detail.width, height: detail.height, originalName: detail.originalName, bytes });
    });
    document.addEventListener('localpix-error', ({ detail }) => window.heard.push({ kind: 'error', ...detail }));
  });
  const frame = await widgetFrame(page);
  await frame.waitForSelector('html[data-engine="ready"]', { timeout: 30000 });
  return { page, frame };
}

async function widgetFrame(page) {
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => f.url().startsWith(`${localpix.url}embed.html`));
    if (frame) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('the widget frame never appeared');
}

const heard = (page, n) => page.waitForFunction((count) => window.heard.length >= count, n, { timeout: 30000 }).then(() => page.evaluate(() => window.heard));

test('files dropped in the widget come to the host page as events with resized files', async () => {
  const { page, frame } = await openHost();
  await frame.setInputFiles('#file-input', [fixturePath('phone-orient6-gps.jpg'), fixturePath('small.bmp')]);
  const [phone, bmp] = (await heard(page, 2)).sort((a, b) => a.originalName.localeCompare(b.originalName));
  assert.deepEqual([phone.kind, phone.name, phone.type, phone.width, phone.height], ['result', 'phone-orient6-gps.jpg', 'image/jpeg', 640, 400]);
  const bytes = new Uint8Array(phone.bytes);
  assert.deepEqual(imaging.probe(bytes).dimensions, { width: 640, height: 400 });
  assert.ok(!contains(bytes, 'SN-0042-PRIVATE') && !contains(bytes, 'Exif'));
  assert.deepEqual(imaging.probe(bytes).metadata, []);
  // format="jpeg" on the element: the BMP comes out as a JPEG too.
  assert.deepEqual([bmp.name, bmp.type, bmp.width], ['small.jpg', 'image/jpeg', 320]);
  assert.equal(imaging.probe(new Uint8Array(bmp.bytes)).format, 'jpeg');
  await page.screenshot({ path: join(ROOT, 'target/e2e/embed.png') });
  // No style crosses: the host keeps its serif, the widget its own system font.
  assert.match(await page.evaluate(() => getComputedStyle(document.body).fontFamily), /Georgia/);
  assert.match(await frame.evaluate(() => getComputedStyle(document.body).fontFamily), /system-ui/);
  assert.equal(await page.evaluate(() => document.querySelectorAll('style').length), 1, 'the element added styles to the page');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('attributes apply to the next files, and failures arrive as error events', async () => {
  const { page, frame } = await openHost();
  await page.evaluate(() => {
    const element = document.querySelector('localpix-resizer');
    element.setAttribute('max-width', '200');
    element.removeAttribute('max-height');
    element.setAttribute('format', 'png');
  });
  const broken = fixture('photo-640x400.jpg').subarray(0, 3000);
  await frame.setInputFiles('#file-input', [
    { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(fixture('photo-640x400.jpg')) },
    { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(broken) },
  ]);
  const events = await heard(page, 2);
  const result = events.find((e) => e.kind === 'result');
  assert.deepEqual([result.name, result.width, result.height, result.type], ['photo.png', 200, 125, 'image/png']);
  const error = events.find((e) => e.kind === 'error');
  assert.equal(error.originalName, 'broken.jpg');
  assert.match(error.message, /incomplete|damaged|ends early/i);
  await page.close();
});

test('messages from any other origin are ignored, on both sides', async () => {
  const { page } = await openHost();
  // A forged result posted to the host page by itself (or any other window) is not from the
  // widget's frame: no event.
  await page.evaluate(() => window.postMessage({ type: 'localpix:result', buffer: new ArrayBuffer(4), name: 'forged.jpg', mimeType: 'image/jpeg', width: 1, height: 1, originalName: 'x' }, '*'));
  await page.waitForTimeout(300);
  assert.deepEqual(await page.evaluate(() => window.heard), []);

  // A third site frames the widget claiming to be the host, then tries to feed it a file and
  // change its settings: the widget answers only its host's exact origin.
  foreign = await serveFiles({
    'index.html': `<!doctype html><iframe id="w" src="${localpix.url}embed.html?host=${encodeURIComponent(host.url.slice(0, -1))}"></iframe>`,
  });
  const intruder = await context.newPage();
  await intruder.goto(foreign.url);
  const frame = await widgetFrame(intruder);
  await frame.waitForSelector('html[data-engine="ready"]');
  await intruder.evaluate((bytes) => {
    const target = document.getElementById('w').contentWindow;
    const file = new File([new Uint8Array(bytes)], 'planted.jpg', { type: 'image/jpeg' });
    target.postMessage({ type: 'localpix:settings', query: 'resize=width&w=10' }, '*');
    target.postMessage({ type: 'localpix:process', files: [file] }, '*');
  }, [...fixture('photo-640x400.jpg')]);
  await intruder.waitForTimeout(500);
  assert.equal(await frame.locator('.file-row').count(), 0, 'the widget took a file from a foreign origin');
  await intruder.close();

  // The same request from the real host is obeyed: the element's own process() method.
  await page.evaluate((bytes) => {
    document.querySelector('localpix-resizer').process([new File([new Uint8Array(bytes)], 'sent.jpg', { type: 'image/jpeg' })]);
  }, [...fixture('photo-640x400.jpg')]);
  const [result] = await heard(page, 1);
  assert.deepEqual([result.originalName, result.width], ['sent.jpg', 640]);
  await page.close();
});

test('the widget works with the host page cut off from the network, and sends nothing anywhere', async () => {
  const requests = recordRequests(context);
  const { page, frame } = await openHost();
  const loaded = requests.length;
  // Whatever the page or the widget tries now fails: there is no network.
  await context.route('**/*', (route) => route.abort('internetdisconnected'));
  try {
    await frame.setInputFiles('#file-input', [fixturePath('phone-orient6-gps.jpg')]);
    const [result] = await heard(page, 1);
    assert.deepEqual([result.kind, result.width, result.height], ['result', 640, 400]);
    assert.deepEqual(requests.slice(loaded).filter((r) => /^(https?|wss?):/.test(r.url)), [], 'processing made requests');
    // Loading made requests only to the host and to localpix, and none carried a body.
    const origins = new Set(requests.map((r) => new URL(r.url).origin));
    assert.deepEqual([...origins].sort(), [new URL(host.url).origin, new URL(localpix.url).origin].sort());
    assert.ok(requests.every((r) => r.method === 'GET' && !r.body), 'a request carried data');
  } finally {
    await context.unroute('**/*');
    await page.close();
  }
});

test('a host page with a strict Content-Security-Policy needs only script-src and frame-src for the widget', async () => {
  // What docs/embed.md tells host sites to allow: localpix's origin for the script and the frame.
  // No 'unsafe-inline' for styles: the element's style sheet is a constructed one.
  const origin = localpix.url.slice(0, -1);
  const policy = `default-src 'none'; script-src 'self' ${origin}; frame-src ${origin}; style-src 'self'`;
  const page = `<!doctype html><meta charset="utf-8"><title>strict host</title>
<script type="module" src="${localpix.url}embed.js"></script>
<script type="module" src="listen.js"></script>
<localpix-resizer max-width="320" format="jpeg"></localpix-resizer>`;
  // The host's own listener, in a file (its policy allows no inline script).
  const listen = `window.heard = []; window.violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));
document.addEventListener('localpix-result', ({ detail }) => window.heard.push({ name: detail.file.name, width: detail.width }));`;
  const strict = await serveFiles({ 'index.html': page, 'listen.js': listen }, () => ({ 'content-security-policy': policy }));
  const tab = await context.newPage();
  try {
    await tab.goto(strict.url);
    const frame = await widgetFrame(tab);
    await frame.waitForSelector('html[data-engine="ready"]', { timeout: 30000 });
    // The element's own style applies: its minimum height of 18rem (288px).
    const height = await tab.$eval('localpix-resizer', (el) => el.getBoundingClientRect().height);
    assert.ok(height >= 288, `the widget's style was blocked: ${height}px high`);
    await frame.setInputFiles('#file-input', [fixturePath('photo-640x400.jpg')]);
    await tab.waitForFunction(() => window.heard.length === 1, null, { timeout: 30000 });
    assert.deepEqual(await tab.evaluate(() => window.heard), [{ name: 'photo-640x400.jpg', width: 320 }]);
    assert.deepEqual(await tab.evaluate(() => window.violations), []);
  } finally {
    await tab.close();
    await new Promise((done) => strict.server.close(done));
  }
});
