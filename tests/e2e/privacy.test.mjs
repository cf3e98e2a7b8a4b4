// The privacy promise, enforced by the browser and checked here: every request of a whole session
// stays on localpix's origin and carries nothing; the Content-Security-Policy blocks a deliberate
// request elsewhere; only the widget page may be framed; no cross-origin isolation is required.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { serveDir } from '../../tools/serve.mjs';
import { assertStayedOnDevice, launch, openApp, recordRequests, serveDist, violations, waitForBatch } from '../support/browser.mjs';
import { fixture, fixturePath, ROOT, scratchDir } from '../support/files.mjs';

let localpix;
let elsewhere;
let context;

before(async () => {
  localpix = await serveDist();
  // Another site, for requests that must not happen and frames that must not load.
  const dir = scratchDir('localpix-elsewhere-');
  writeFileSync(join(dir, 'index.html'), `<!doctype html><iframe id="app" src="${localpix.url}"></iframe><iframe id="widget" src="${localpix.url}embed.html"></iframe>`);
  writeFileSync(join(dir, 'pixel.png'), '');
  elsewhere = await serveDir(dir);
  context = await launch();
});

after(async () => {
  await context?.close();
  await localpix?.close();
  await elsewhere?.close();
});

test('a whole session (load, a batch with the GPS photo, the ZIP) makes only bodiless requests to its own origin', async () => {
  const requests = recordRequests(context);
  const page = await openApp(context, localpix.url);
  const loading = requests.length;
  await page.setInputFiles('#file-input', [fixturePath('phone-orient6-gps.jpg'), fixturePath('alpha-640x360.png'), fixturePath('small.tiff')]);
  await waitForBatch(page, 3);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all (ZIP)' }).click()]);
  await download.path();
  const origin = new URL(localpix.url).origin;
  const network = requests.filter((r) => /^(https?|wss?):/.test(r.url));
  assert.ok(network.length > 5, 'the recording caught the page load');
  assert.deepEqual(network.filter((r) => new URL(r.url).origin !== origin), [], 'a request left the origin');
  assert.deepEqual(network.filter((r) => r.method !== 'GET' || r.body), [], 'a request carried data');
  await assertStayedOnDevice(network.slice(loading), 'processing or saving');
  assert.deepEqual(await violations(page), []);
  await page.close();
});

test('the Content-Security-Policy blocks a deliberate request to another origin', async () => {
  const page = await openApp(context, localpix.url);
  const response = await page.goto(localpix.url);
  const policy = response.headers()['content-security-policy'];
  for (const directive of ["connect-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "frame-ancestors 'none'", "default-src 'self'"]) {
    assert.ok(policy.includes(directive), `the policy lacks ${directive}: ${policy}`);
  }
  await page.waitForSelector('html[data-engine="ready"]');
  const outcome = await page.evaluate(async (url) => {
    const fetched = await fetch(url, { method: 'POST', body: 'pretend this is a photo' }).then(() => 'sent', () => 'blocked');
    const image = await new Promise((resolve) => {
      const img = new Image();
      img.onload = () => resolve('loaded');
      img.onerror = () => resolve('blocked');
      img.src = url;
    });
    return { fetched, image };
  }, `${elsewhere.url}pixel.png`);
  assert.deepEqual(outcome, { fetched: 'blocked', image: 'blocked' });
  const seen = await violations(page);
  assert.ok(seen.some((v) => v.startsWith('connect-src') && v.includes(elsewhere.url.slice(0, -1))), `${seen}`);
  assert.ok(seen.some((v) => v.startsWith('img-src')), `${seen}`);
  await page.close();
});

test('only the widget page may be framed by other sites, and no cross-origin isolation is needed', async () => {
  const page = await context.newPage();
  await page.goto(elsewhere.url);
  const widget = page.frameLocator('#widget');
  await widget.locator('html[data-engine="ready"]').waitFor({ timeout: 30000 });
  assert.equal(await widget.locator('#file-input').count(), 1);
  // The full app refuses to be framed (frame-ancestors 'none'): its frame stays empty.
  const app = page.frames().find((f) => f.url().startsWith(localpix.url) && !f.url().includes('embed.html'));
  assert.ok(!app || (await app.locator('#file-input').count()) === 0, 'the app loaded inside another site');
  const response = await fetch(localpix.url);
  assert.equal(response.headers.get('cross-origin-embedder-policy'), null);
  assert.equal(response.headers.get('cross-origin-opener-policy'), null);
  const own = await openApp(context, localpix.url, { offline: false });
  assert.equal(await own.evaluate(() => crossOriginIsolated), false);
  await own.close();
  await page.close();
});

/** The panel of a row: its verdict, the fields it lists, and how their values are drawn. */
function panelOf(page, name) {
  return page.$$eval(
    '.file-row',
    (trs, wanted) => {
      const tr = trs.find((r) => r.querySelector('.file-name')?.textContent === wanted);
      const values = [...tr.querySelectorAll('.privacy-found dd')];
      return {
        state: tr.dataset.state,
        verdict: tr.querySelector('.privacy .verdict')?.textContent ?? null,
        found: tr.querySelector('.privacy .found')?.textContent ?? null,
        fields: [...tr.querySelectorAll('.privacy-found dt')].map((dt, i) => [dt.textContent, values[i].textContent]),
        decorations: values.map((dd) => getComputedStyle(dd).textDecorationLine),
      };
    },
    name,
  );
}

test('the panel lists every personal field of the file and says "removed" only once the result shows it', async () => {
  const page = await openApp(context, `${localpix.url}?meta=keep-safe`);
  // A copy of the same file cut inside its picture: its headers (and so the panel) are whole,
  // but no result can be made.
  const dir = scratchDir('localpix-cut-');
  const whole = fixture('private-all.jpg');
  const cut = join(dir, 'private-cut.jpg');
  // Its first scan, found by walking the segments (the thumbnail inside EXIF has one too).
  let scan = 2;
  while (whole[scan + 1] !== 0xda) scan += 2 + ((whole[scan + 2] << 8) | whole[scan + 3]);
  writeFileSync(cut, whole.subarray(0, scan + 400));
  await page.setInputFiles('#file-input', [fixturePath('private-all.jpg'), cut]);
  await waitForBatch(page, 2);

  const panel = await panelOf(page, 'private-all.jpg');
  assert.equal(panel.state, 'done');
  assert.equal(panel.verdict, 'removed');
  for (const kind of ['location', 'device', 'names', 'text', 'hidden data']) assert.match(panel.found, new RegExp(kind));
  // Every personal value exiftool reads in the file is listed (a C2PA manifest as a whole).
  const tags = JSON.parse(execFileSync('exiftool', ['-j', '-a', '-G1', fixturePath('private-all.jpg')], { encoding: 'utf8' }))[0];
  const expected = new Set(Object.entries(tags).filter(([key]) => !/^(JUMBF|JSON):/.test(key)).flatMap(([, v]) => String(v).match(/PRIVATE[-0-9A-Z]*/g) ?? []));
  const listed = JSON.stringify(panel.fields);
  assert.deepEqual([...expected].filter((token) => !listed.includes(token)), [], 'personal values missing from the panel');
  const value = (name) => panel.fields.find(([field]) => field === name)?.[1];
  assert.equal(value('GPSLatitude'), '48° 51′ 29.88″ N');
  assert.ok(!listed.includes('missing'), listed);
  for (const name of ['MakerNote', 'EXIF thumbnail', 'MPF image 2', 'Data after the image', 'C2PA manifest']) assert.ok(value(name), `${name} not listed`);
  // Values stay legible: not struck through (hyphens in PRIVATE-… would vanish under a line).
  assert.deepEqual([...new Set(panel.decorations)], ['none']);

  const failed = await panelOf(page, 'private-cut.jpg');
  assert.equal(failed.state, 'failed');
  assert.equal(failed.verdict, 'no result was made');
  assert.ok(failed.fields.length > 50, 'the cut file still shows what it holds');
  await page.screenshot({ path: join(ROOT, 'target/e2e/privacy-panel.png'), fullPage: true });
  await page.close();
});
