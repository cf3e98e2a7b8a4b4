// The widget on another site: examples/embed.html served from a second origin embeds localpix
// (the first origin) with its one snippet. Results arrive as events; messages from elsewhere are
// ignored; the widget keeps working when the host page's network is cut; nothing leaves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { serveDir } from '../../tools/serve.mjs';
import { launch, recordRequests, serveDist, widgetFrame } from '../support/browser.mjs';
import { contains, fixture, fixturePath, ROOT, scratchDir } from '../support/files.mjs';

let localpix;
let host;
let foreign;
let context;

/** Serves `files` (name → content) from a directory of their own, on a port of their own. */
async function serveFiles(files, headers) {
  const dir = scratchDir('localpix-site-');
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return serveDir(dir, headers);
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
  for (const site of [localpix, host, foreign]) await site?.close();
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
      window.heard.push({ kind: 'result', name: detail.file.name, type: detail.file.type, width: detail.width, height: detail.height, originalName: detail.originalName, privacy: detail.privacy, bytes });
    });
    document.addEventListener('localpix-error', ({ detail }) => window.heard.push({ kind: 'error', ...detail }));
  });
  const frame = await widgetFrame(page, localpix.url);
  await frame.waitForSelector('html[data-engine="ready"]', { timeout: 30000 });
  return { page, frame };
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

test('privacy="show" shows each file’s privacy summary in the widget; every result event carries it', async () => {
  const { page, frame } = await openHost();
  await frame.setInputFiles('#file-input', [fixturePath('phone-orient6-gps.jpg')]);
  const [quiet] = await heard(page, 1);
  // Without the attribute the widget stays compact, and the host still hears what was removed.
  assert.equal(await frame.locator('.widget-row .privacy-found').count(), 0);
  assert.equal(quiet.privacy.removed, true);
  assert.equal(quiet.privacy.keptPrivate, 0);
  assert.ok(quiet.privacy.privateFields >= 3, JSON.stringify(quiet.privacy));
  assert.ok(quiet.privacy.found.includes('location (GPS, places)'), JSON.stringify(quiet.privacy));

  // The attribute applies to the rows from then on, the ones already there too.
  await page.evaluate(() => document.querySelector('localpix-resizer').setAttribute('privacy', 'show'));
  await frame.setInputFiles('#file-input', [fixturePath('small.bmp')]);
  await heard(page, 2);
  const summaries = frame.locator('.widget-row .widget-privacy');
  await summaries.first().waitFor();
  assert.equal(await summaries.count(), 2);
  const phone = frame.locator('.widget-row', { hasText: 'phone-orient6-gps.jpg' });
  assert.match(await phone.locator('.privacy-found summary').textContent(), /location \(GPS, places\).*: removed/);
  assert.equal(await frame.locator('.widget-row', { hasText: 'small.bmp' }).locator('.privacy-none').textContent(), 'None found');
  await page.screenshot({ path: join(ROOT, 'target/e2e/embed-privacy.png') });
  await page.evaluate(() => document.querySelector('localpix-resizer').removeAttribute('privacy'));
  await frame.locator('.widget-privacy').first().waitFor({ state: 'detached' });
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
  const frame = await widgetFrame(intruder, localpix.url);
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
    const frame = await widgetFrame(tab, localpix.url);
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
    await strict.close();
  }
});

/** The widget's colours as its frame uses them: its `data-theme` and its page's background. */
function widgetColours(frame) {
  return frame.evaluate(() => ({ theme: document.documentElement.dataset.theme, background: getComputedStyle(document.body).backgroundColor }));
}
const LIGHT = { theme: 'light', background: 'rgb(247, 247, 245)' };
const DARK = { theme: 'dark', background: 'rgb(21, 23, 26)' };

test('the widget takes the host page’s colour scheme, or its theme attribute, and follows changes after load', async () => {
  // The example page allows both schemes (`color-scheme: light dark`): the visitor's preference decides.
  const dark = await launch(undefined, { colorScheme: 'dark' });
  try {
    const page = await dark.newPage();
    await page.goto(host.url);
    const frame = await widgetFrame(page, localpix.url);
    await frame.waitForSelector('html[data-engine="ready"]', { timeout: 30000 });
    const element = page.locator('localpix-resizer');
    const settle = (expected) => frame.waitForFunction((t) => document.documentElement.dataset.theme === t, expected.theme).then(() => widgetColours(frame));
    assert.deepEqual(await widgetColours(frame), DARK, 'a dark visitor on a page that allows dark');
    await page.screenshot({ path: join(ROOT, 'target/e2e/embed-dark.png') });
    // The attribute wins over the page, both ways, and `auto` gives the choice back.
    await element.evaluate((el) => el.setAttribute('theme', 'light'));
    assert.deepEqual(await settle(LIGHT), LIGHT);
    await element.evaluate((el) => el.setAttribute('theme', 'auto'));
    assert.deepEqual(await settle(DARK), DARK);
    // The host switches itself to light (a site's own switch, on <html>): the widget follows.
    await page.evaluate(() => document.documentElement.style.setProperty('color-scheme', 'light'));
    assert.deepEqual(await settle(LIGHT), LIGHT);
    await page.evaluate(() => document.documentElement.style.removeProperty('color-scheme'));
    assert.deepEqual(await settle(DARK), DARK);
    // The visitor's preference changes while the page is open.
    await page.emulateMedia({ colorScheme: 'light' });
    assert.deepEqual(await settle(LIGHT), LIGHT);
    await page.close();

    // A page that declares only light keeps a light widget for a dark visitor; theme="dark" on the
    // element, before it loads, gives a dark one from the start.
    const pages = await serveFiles({
      'light.html': `<!doctype html><meta name="color-scheme" content="light"><script type="module" src="${localpix.url}embed.js"></script><localpix-resizer></localpix-resizer>`,
      'themed.html': `<!doctype html><meta name="color-scheme" content="light"><script type="module" src="${localpix.url}embed.js"></script><localpix-resizer theme="dark"></localpix-resizer>`,
    });
    try {
      for (const [file, expected] of [['light.html', LIGHT], ['themed.html', DARK]]) {
        const tab = await dark.newPage();
        await tab.goto(pages.url + file);
        const widget = await widgetFrame(tab, localpix.url);
        await widget.waitForSelector('html[data-engine="ready"]', { timeout: 30000 });
        assert.deepEqual(await widgetColours(widget), expected, file);
        await tab.close();
      }
    } finally {
      await pages.close();
    }
  } finally {
    await dark.close();
  }
});

test('in a 320-pixel host, long names wrap after their separators and nothing overflows', async () => {
  const narrow = await serveFiles({
    'index.html': `<!doctype html><meta name="viewport" content="width=device-width"><script type="module" src="${localpix.url}embed.js"></script>
<style>localpix-resizer { width: 320px; height: 32rem; }</style><localpix-resizer max-width="320"></localpix-resizer>`,
  });
  const tab = await context.newPage();
  try {
    await tab.setViewportSize({ width: 360, height: 700 });
    await tab.goto(narrow.url);
    const frame = await widgetFrame(tab, localpix.url);
    await frame.waitForSelector('html[data-engine="ready"]', { timeout: 30000 });
    const photo = Buffer.from(fixture('photo-640x400.jpg'));
    const names = ['IMG_20260314_183045-holiday-at-the-seaside-with-the-grandparents.jpg', 'scan-of-the-old-family-album-page-twelve-damaged.jpg'];
    await frame.setInputFiles('#file-input', [
      { name: names[0], mimeType: 'image/jpeg', buffer: photo },
      { name: names[1], mimeType: 'image/jpeg', buffer: photo.subarray(0, 3000) },
    ]);
    await frame.waitForFunction(() => [...document.querySelectorAll('.file-row')].every((r) => ['done', 'failed'].includes(r.dataset.state)) && document.querySelectorAll('.file-row').length === 2, null, { timeout: 30000 });
    await tab.screenshot({ path: join(ROOT, 'target/e2e/embed-narrow.png') });
    const layout = await frame.evaluate(() => {
      const page = document.scrollingElement;
      // Where each name's lines end: the character before each jump to a lower line.
      const breaks = [...document.querySelectorAll('.file-name')].map((name) => {
        const walker = document.createTreeWalker(name, NodeFilter.SHOW_TEXT);
        const chars = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (let i = 0; i < node.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            chars.push({ char: node.data[i], top: range.getBoundingClientRect().top });
          }
        }
        return chars.filter((c, i) => i + 1 < chars.length && chars[i + 1].top > c.top + 1).map((c) => c.char);
      });
      const details = [...document.querySelectorAll('.widget-detail')].map((d) => ({ right: d.getBoundingClientRect().right, text: d.textContent }));
      const doneDetail = document.querySelector('.file-row[data-state="done"] .widget-detail');
      return {
        overflow: page.scrollWidth - page.clientWidth,
        width: page.clientWidth,
        breaks,
        details,
        doneDetailLines: (() => {
          const range = document.createRange();
          range.selectNodeContents(doneDetail);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
        })(),
      };
    });
    assert.ok(layout.width <= 320, `the frame is ${layout.width}px wide`);
    assert.equal(layout.overflow, 0, 'the widget scrolls sideways');
    for (const [i, breaks] of layout.breaks.entries()) {
      assert.ok(breaks.length >= 1, `${names[i]} did not wrap at all`);
      assert.ok(breaks.every((c) => '_-.'.includes(c)), `${names[i]} wrapped mid-word, after ${JSON.stringify(breaks)}`);
    }
    assert.ok(layout.details.every((d) => d.right <= layout.width), 'a detail runs out of the frame');
    assert.equal(layout.doneDetailLines, 1, 'the size and dimensions wrap');
  } finally {
    await tab.close();
    await narrow.close();
  }
});

test('files and attribute changes given before the frame is ready are applied once it is, each file with exactly one event', async () => {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await page.waitForFunction(() => customElements.get('localpix-resizer'));
  // In one task: the element is created, connected, its attributes changed and files given, all
  // before its frame has even loaded.
  await page.evaluate((bytes) => {
    const element = document.createElement('localpix-resizer');
    element.id = 'early';
    document.body.append(element);
    element.setAttribute('max-width', '200');
    element.setAttribute('format', 'png');
    const photo = new Uint8Array(bytes);
    element.process([new File([photo], 'first.jpg', { type: 'image/jpeg' }), new File([photo.subarray(0, 3000)], 'cut.jpg', { type: 'image/jpeg' })]);
    element.setAttribute('max-width', '100');
    element.process([new File([photo], 'second.jpg', { type: 'image/jpeg' })]);
    window.early = [];
    for (const kind of ['localpix-result', 'localpix-error']) {
      element.addEventListener(kind, ({ detail }) => window.early.push({ kind, originalName: detail.originalName, width: detail.width, type: detail.file?.type, message: detail.message }));
    }
  }, [...fixture('photo-640x400.jpg')]);
  await page.waitForFunction(() => window.early.length >= 3, null, { timeout: 30000 });
  await page.waitForTimeout(500); // a second event for a file would come now
  const events = (await page.evaluate(() => window.early)).sort((a, b) => a.originalName.localeCompare(b.originalName));
  assert.deepEqual(
    events.map((e) => [e.originalName, e.kind, e.width, e.type]),
    [
      ['cut.jpg', 'localpix-error', undefined, undefined],
      // Each file with the attributes as they were when it was given.
      ['first.jpg', 'localpix-result', 200, 'image/png'],
      ['second.jpg', 'localpix-result', 100, 'image/png'],
    ],
  );
  assert.match(events[0].message, /incomplete|damaged|ends early/i);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a result the frame cannot read back ends in an error event naming the file, not in silence', async () => {
  const { page, frame } = await openHost();
  // The browser loses the results' bytes: reading any Blob made by the workers fails, as it does
  // when the browser's blob storage is gone. (Files, which the pool reads to start a job, still
  // read.)
  await frame.evaluate(() => {
    const read = Blob.prototype.arrayBuffer;
    Blob.prototype.arrayBuffer = function arrayBuffer() {
      return this instanceof File ? read.call(this) : Promise.reject(new DOMException('The blob is gone.', 'NotReadableError'));
    };
  });
  await frame.setInputFiles('#file-input', [fixturePath('photo-640x400.jpg'), fixturePath('small.bmp')]);
  const events = await heard(page, 2);
  await page.waitForTimeout(500); // a second event for a file would come now
  const all = (await page.evaluate(() => window.heard)).sort((a, b) => a.originalName.localeCompare(b.originalName));
  assert.deepEqual(all.map((e) => [e.kind, e.originalName]), [['error', 'photo-640x400.jpg'], ['error', 'small.bmp']], JSON.stringify(events));
  assert.equal(all[0].message, "The result of photo-640x400.jpg could not be read back from the browser's storage. Try the file again.");
  await page.close();
});
