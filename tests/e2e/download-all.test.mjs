// "Download all" on a batch of 200 photos, end to end: every one is done, the ZIP holds every
// result byte for byte, and the renderer's memory is recorded while the batch runs and while the
// ZIP is built. The ZIP is built in a worker from the result Blobs themselves (app/js/zip.js), so
// building it must not add a copy of the results to the tab: its growth is bounded here by a
// fraction of the results' bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { imaging } from '../../target/component/node/localpix_core.js';
import { openApp, rendererMemoryMb, rows, servedApp, waitForBatch } from '../support/browser.mjs';
import { fixture } from '../support/files.mjs';
import { readZip } from '../support/zip.mjs';

const PHOTOS = 200;
const SOURCES = ['photo-640x400.jpg', 'phone-orient6-gps.jpg', 'adobergb-icc.jpg', 'progressive.jpg'];
const WIDTHS = [800, 880, 960, 1040, 1120, 1200, 1280, 1360, 1440, 1520];

const served = servedApp();

/** 40 distinct photos, 800 to 1520 pixels wide, from the fixtures (upscaled by the engine in
 *  Node), each given 5 times under its own name. */
function photos() {
  const variants = [];
  for (const source of SOURCES) {
    for (const width of WIDTHS) {
      const options = imaging.defaultOptions();
      options.resize = { mode: { tag: 'fit-width', val: width }, filter: 'catmull-rom', neverUpscale: false, turn: 'normal' };
      options.encode.encoding.format = 'jpeg';
      options.encode.encoding.quality = { tag: 'fixed', val: 90 };
      variants.push(Buffer.from(imaging.process(fixture(source), options).bytes));
    }
  }
  return Array.from({ length: PHOTOS }, (_, i) => ({ name: `p${String(i).padStart(3, '0')}.jpg`, mimeType: 'image/jpeg', buffer: variants[i % variants.length] }));
}

/** Samples the renderer's resident memory every 100 ms until `stop()`, which gives the peak. */
function sampleMemory() {
  let peak = rendererMemoryMb();
  const timer = setInterval(() => {
    peak = Math.max(peak, rendererMemoryMb());
  }, 100);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rendererMemoryMb());
  };
}

test(`a batch of ${PHOTOS} photos: every one done, the ZIP complete, the renderer's memory recorded`, async () => {
  const files = photos();
  const inputBytes = files.reduce((sum, f) => sum + f.buffer.length, 0);
  const inputPixels = files.reduce((sum, f) => {
    const { width, height } = imaging.probe(new Uint8Array(f.buffer)).dimensions;
    return sum + width * height;
  }, 0);
  // The app's WebAssembly memory, as Trunk's loader hands it over.
  await served.context.addInitScript(() => addEventListener('TrunkApplicationStarted', ({ detail }) => (window.appMemory = detail.wasm.memory)));
  // JPEG results at 1280 at most: the larger ones are made smaller.
  const app = await openApp(served.context, `${served.server.url}?resize=fit&w=1280&h=1280&format=jpeg&q=80`, { offline: false });
  const cdp = await served.context.newCDPSession(app);
  await cdp.send('HeapProfiler.collectGarbage');
  const idle = rendererMemoryMb();

  const started = Date.now();
  const batchPeak = sampleMemory();
  await app.setInputFiles('#file-input', files);
  await waitForBatch(app, PHOTOS, 600000);
  const batchSeconds = (Date.now() - started) / 1000;
  const duringBatch = batchPeak();
  const list = await rows(app);
  assert.deepEqual(list.filter((r) => r.state !== 'done').map((r) => [r.name, r.state, r.error]), [], 'every photo is done');

  await cdp.send('HeapProfiler.collectGarbage');
  const beforeZip = rendererMemoryMb();
  const appMemory = () => app.evaluate(() => window.appMemory.buffer.byteLength);
  const appBeforeZip = await appMemory();
  const zipPeak = sampleMemory();
  const zipStarted = Date.now();
  const [download] = await Promise.all([app.waitForEvent('download', { timeout: 120000 }), app.getByRole('button', { name: 'Download all (ZIP)' }).click()]);
  const zip = readFileSync(await download.path());
  const zipSeconds = (Date.now() - zipStarted) / 1000;
  const duringZip = zipPeak();
  const appAfterZip = await appMemory();

  // The ZIP holds every result, under the row's name, in batch order, stored, with its CRC right.
  const entries = readZip(zip);
  assert.deepEqual(entries.map((e) => e.name), list.map((r) => r.download));
  assert.ok(entries.every((e) => e.method === 0));
  for (const entry of entries) {
    const info = imaging.probe(entry.data);
    assert.equal(info.format, 'jpeg', entry.name);
    assert.ok(Math.max(info.dimensions.width, info.dimensions.height) <= 1280, `${entry.name}: ${JSON.stringify(info.dimensions)}`);
  }
  const resultBytes = entries.reduce((sum, e) => sum + e.data.length, 0);

  const mb = (bytes) => (bytes / 1e6).toFixed(1);
  console.log(
    `${PHOTOS} photos (${mb(inputBytes)} MB of JPEG, ${(inputPixels / 1e6).toFixed(0)} megapixels) → ${mb(resultBytes)} MB of results, ` +
      `ZIP ${mb(zip.length)} MB; batch ${batchSeconds.toFixed(1)} s, ZIP ${zipSeconds.toFixed(1)} s\n` +
      `renderer memory: idle ${idle.toFixed(0)} MB, peak during the batch ${duringBatch.toFixed(0)} MB, ` +
      `${beforeZip.toFixed(0)} MB before the ZIP, peak while building and handing it over ${duringZip.toFixed(0)} MB ` +
      `(+${(duringZip - beforeZip).toFixed(0)} MB); the app's WebAssembly memory ${mb(appBeforeZip)} MB before the ZIP, ${mb(appAfterZip)} MB after`,
  );
  // The old ZIP, written in the app's WebAssembly, held every result there twice (the entries and
  // the archive); now only the names pass through it.
  const growth = appAfterZip - appBeforeZip;
  assert.ok(growth < resultBytes / 10, `building the ZIP grew the app's memory by ${mb(growth)} MB for ${mb(resultBytes)} MB of results`);
  assert.deepEqual(app.errors, [], 'the page threw');
  await app.close();
});
