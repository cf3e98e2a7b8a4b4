// The page's own memory stays flat when a person processes batch after batch in one tab: the batch
// releases every row's File, result Blob, object URLs and signals when a row is removed or the
// batch cleared. Object URLs are counted exactly (each one pins its Blob's bytes in the browser);
// the JavaScript heap is measured after a forced garbage collection. The workers' WebAssembly
// memory only grows, so idle workers are ended (bridge.js): the renderer's resident memory is
// measured after batches of large photos.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { imaging } from '../../target/component/node/localpix_core.js';

import { openApp, servedApp, waitForBatch } from '../support/browser.mjs';
import { fixture } from '../support/files.mjs';
import { rendererMemoryMb } from '../support/memory.mjs';

const ROUNDS = 10;
const PHOTOS = 20;
const served = servedApp();

test(`${ROUNDS} batches of ${PHOTOS} photos in one tab: every object URL is released and the heap stays flat`, async () => {
  // Count the object URLs the page holds: created minus revoked.
  await served.context.addInitScript(() => {
    const live = new Set();
    const create = URL.createObjectURL.bind(URL);
    const revoke = URL.revokeObjectURL.bind(URL);
    URL.createObjectURL = (object) => {
      const url = create(object);
      live.add(url);
      return url;
    };
    URL.revokeObjectURL = (url) => {
      live.delete(url);
      revoke(url);
    };
    window.liveObjectUrls = () => live.size;
  });
  const app = await openApp(served.context, served.server.url);
  const cdp = await served.context.newCDPSession(app);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const photo = Buffer.from(fixture('photo-640x400.jpg'));
  const heaps = [];
  for (let round = 0; round < ROUNDS; round++) {
    const files = Array.from({ length: PHOTOS }, (_, i) => ({ name: `r${round}-${i}.jpg`, mimeType: 'image/jpeg', buffer: photo }));
    await app.setInputFiles('#file-input', files);
    await waitForBatch(app, PHOTOS);
    // Each row holds its original (for compare), its result and the result's thumbnail.
    assert.equal(await app.evaluate(() => window.liveObjectUrls()), 3 * PHOTOS, `round ${round}`);
    // One row removed on its own, the rest cleared together.
    await app.getByRole('button', { name: `Remove r${round}-0.jpg` }).click();
    assert.equal(await app.evaluate(() => window.liveObjectUrls()), 3 * (PHOTOS - 1), `round ${round}: a removed row kept its URLs`);
    await app.getByRole('button', { name: 'Clear' }).click();
    await app.waitForFunction(() => document.querySelectorAll('.file-row').length === 0);
    assert.equal(await app.evaluate(() => window.liveObjectUrls()), 0, `round ${round}: URLs left after Clear`);
    heaps.push(await heap());
  }
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(2);
  console.log(`JS heap after each Clear (MB): ${heaps.map(mb).join(', ')}`);
  // After the first rounds have warmed the page up, ten more batches must not add up.
  const growth = heaps.at(-1) - heaps[1];
  assert.ok(growth < 2 * 2 ** 20, `the heap grew by ${mb(growth)} MB over ${ROUNDS - 2} batches: ${heaps.map(mb)}`);
  assert.deepEqual(app.errors, [], 'the page threw');
  await app.close();
});

// What a batch of large photos grows is the workers' WebAssembly memory, which one photo per worker
// already grows to its size: more photos per batch only repeat it (5 batches of 30 read the same
// figures in every round as the first), so 3 of 10 check the same thing in a fifth of the time.
const LARGE_ROUNDS = 3;
const LARGE_PHOTOS = 10;

test(`${LARGE_ROUNDS} batches of ${LARGE_PHOTOS} large photos: after each Clear the renderer is back within 150 MB of the idle page`, async () => {
  // A 12-megapixel JPEG, made from the fixture by the engine in Node: large enough that the
  // workers' WebAssembly memory grows by hundreds of megabytes during a batch.
  const options = imaging.defaultOptions();
  options.resize = { mode: { tag: 'exact', val: { width: 4240, height: 2832 } }, filter: 'catmull-rom', neverUpscale: false, turn: 'normal' };
  options.encode.encoding.format = 'jpeg';
  const large = Buffer.from(imaging.process(fixture('photo-640x400.jpg'), options).bytes);
  const app = await openApp(served.context, `${served.server.url}?resize=fit&w=1920&h=1920&format=jpeg&q=80`);
  await app.waitForFunction(() => document.documentElement.dataset.engine === 'ready');
  // Garbage the page no longer holds (Files, Blobs) is collected before each reading, as a
  // browser does on its own in time.
  const cdp = await served.context.newCDPSession(app);
  const settled = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await app.waitForTimeout(1000); // the ended workers' memory is unmapped
    return rendererMemoryMb();
  };
  const idle = await settled();
  const figures = [];
  for (let round = 0; round < LARGE_ROUNDS; round++) {
    const files = Array.from({ length: LARGE_PHOTOS }, (_, i) => ({ name: `big${round}-${i}.jpg`, mimeType: 'image/jpeg', buffer: large }));
    await app.setInputFiles('#file-input', files);
    await waitForBatch(app, LARGE_PHOTOS);
    const busy = rendererMemoryMb();
    await app.getByRole('button', { name: 'Clear' }).click();
    await app.waitForFunction(() => document.querySelectorAll('.file-row').length === 0);
    const cleared = await settled();
    figures.push(`round ${round + 1}: ${busy.toFixed(0)} MB after the batch, ${cleared.toFixed(0)} MB after Clear`);
    assert.ok(cleared - idle < 150, `round ${round + 1}: ${cleared.toFixed(0)} MB after Clear, idle page ${idle.toFixed(0)} MB`);
  }
  console.log(`renderer memory, idle page ${idle.toFixed(0)} MB (photo ${(large.length / 1e6).toFixed(1)} MB, 4240×2832):\n  ${figures.join('\n  ')}`);
  assert.deepEqual(app.errors, [], 'the page threw');
  await app.close();
});
