// The page's own memory stays flat when a person processes batch after batch in one tab: the batch
// releases every row's File, result Blob, object URLs and signals when a row is removed or the
// batch cleared. Object URLs are counted exactly (each one pins its Blob's bytes in the browser);
// the JavaScript heap is measured after a forced garbage collection. (The workers' wasm memory is
// another matter: see docs/performance.md.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launch, openApp, serveDist, waitForBatch } from '../support/browser.mjs';
import { fixture } from '../support/files.mjs';

const ROUNDS = 10;
const PHOTOS = 20;
let server;
let context;

before(async () => {
  server = await serveDist();
  context = await launch();
});

after(async () => {
  await context?.close();
  await server?.close();
});

test(`${ROUNDS} batches of ${PHOTOS} photos in one tab: every object URL is released and the heap stays flat`, async () => {
  // Count the object URLs the page holds: created minus revoked.
  await context.addInitScript(() => {
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
  const app = await openApp(context, server.url);
  const cdp = await context.newCDPSession(app);
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
    // Each row holds its original's preview and its result.
    assert.equal(await app.evaluate(() => window.liveObjectUrls()), 2 * PHOTOS, `round ${round}`);
    // One row removed on its own, the rest cleared together.
    await app.getByRole('button', { name: `Remove r${round}-0.jpg` }).click();
    assert.equal(await app.evaluate(() => window.liveObjectUrls()), 2 * (PHOTOS - 1), `round ${round}: a removed row kept its URLs`);
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
