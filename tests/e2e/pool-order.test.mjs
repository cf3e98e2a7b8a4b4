// The app's worker pool (app/js/bridge.js) starts a batch's largest image first, so that with
// several workers none idles at the end while a big photo that was queued last runs alone
// (issue 12, W4); a file whose worker holds its decode still goes back to that worker first.
// Runs the real pool and engine in Chromium, without building the app.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { serveDir } from '../../tools/serve.mjs';
import { launch } from '../support/browser.mjs';
import { fixture, fixturePath } from '../support/files.mjs';
import { poolSite } from '../support/pool-site.mjs';

// Four fixtures (JPEG, PNG, WebP) of distinct pixel counts, added in neither ascending nor
// descending order, whose order by bytes differs from that by pixels: the pool weighs pixels.
const FILES = ['private-all.jpg', 'private-text.png', 'photo-640x400.jpg', 'alpha-lossy.webp'];

let dir;
let server;
let context;
let page;

before(async () => {
  dir = poolSite();
  for (const name of FILES) copyFileSync(fixturePath(name), join(dir, name));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>pool</title>');
  server = await serveDir(dir);
  context = await launch();
  page = await context.newPage();
  await page.goto(server.url);
});

after(async () => {
  await context?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Submits FILES (ids 1…4) to a fresh pool of `size` workers in one go, as the batch does, and
 *  resolves with the ids in the order their jobs started (their first progress message). */
function startOrder(size, ids = [1, 2, 3, 4]) {
  return page.evaluate(
    async ([names, size, ids]) => {
      const { WorkerPool } = await import('./bridge.js');
      const { instantiate } = await import('./component/localpix_core.js');
      const { imaging } = await instantiate((name) => WebAssembly.compileStreaming(fetch(`./component/${name}`)), {});
      const options = imaging.defaultOptions();
      const pool = new WorkerPool(size);
      await pool.ready;
      const files = await Promise.all(names.map(async (name) => new File([await (await fetch(name)).blob()], name)));
      const started = [];
      // A job decodes twice when it moves to the full engine (the lossy WebP, kept lossy): it
      // started with the first.
      const run = (i) => pool.run(ids[i], files[i], options, (stage) => stage === 'decoding' && !started.includes(ids[i]) && started.push(ids[i]));
      await Promise.all(files.map((_, i) => run(i)));
      const first = started.splice(0);
      // The same files again, after the pool knows which worker holds each decode.
      await Promise.all(files.map((_, i) => run(i)));
      return { first, again: started };
    },
    [FILES, size, ids],
  );
}

test('one worker: the batch runs largest image first (in pixels), whatever order it was added in', async () => {
  const ids = [1, 2, 3, 4];
  const pixels = FILES.map((name) => {
    const { width, height } = imaging.probe(fixture(name)).dimensions;
    return width * height;
  });
  const bytes = FILES.map((name) => statSync(fixturePath(name)).size);
  const byPixels = ids.slice().sort((a, b) => pixels[b - 1] - pixels[a - 1]);
  const byBytes = ids.slice().sort((a, b) => bytes[b - 1] - bytes[a - 1]);
  assert.equal(new Set(pixels).size, FILES.length, 'the fixtures have distinct pixel counts');
  assert.notDeepEqual(byPixels, ids, 'the fixtures are not added largest first');
  assert.notDeepEqual(byPixels, byBytes, 'their order by bytes is another');
  const { first, again } = await startOrder(1);
  assert.deepEqual(first, byPixels);
  // Every decode is on the one worker, so the affinity rule picks the oldest queued job first.
  assert.deepEqual(again, ids);
});
