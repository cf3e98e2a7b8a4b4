// The engine's warm-up (app/js/worker.js, `warmUp`): the first worker of a pool sends a made-up
// JPEG and PNG through the engine a moment after loading, so that the first real photo runs on
// optimised code; a file that comes first cancels it and is processed as usual. Its benefit is a
// time (tests/bench/first-photo.mjs); here, that it runs, once, and never stands in a file's way.
// Runs the real pool and engine in Chromium, without building the app.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { serveDir } from '../../tools/serve.mjs';
import { launch } from '../support/browser.mjs';
import { fixturePath } from '../support/files.mjs';
import { poolSite } from '../support/pool-site.mjs';

const PHOTO = 'photo-640x400.jpg';
let dir;
let server;
let context;

before(async () => {
  dir = poolSite('localpix-warm-');
  copyFileSync(fixturePath(PHOTO), join(dir, PHOTO));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>warm-up</title>');
  server = await serveDir(dir);
  context = await launch();
});

after(async () => {
  await context?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh page with a pool of `size` workers; `script` runs in it with the pool, the photo as a
 *  File and the app's default options. */
async function withPool(size, script, arg) {
  const page = await context.newPage();
  try {
    await page.goto(server.url);
    const options = imaging.defaultOptions();
    options.resize.mode = { tag: 'fit-width', val: 200 };
    return await page.evaluate(
      async ([size, name, options, script, arg]) => {
        const { WorkerPool } = await import('./bridge.js');
        const pool = new WorkerPool(size);
        const file = new File([await (await fetch(name)).blob()], name, { type: 'image/jpeg' });
        return new Function('pool', 'file', 'options', 'arg', `return (async () => { ${script} })()`)(pool, file, options, arg);
      },
      [size, PHOTO, options, script, arg],
    );
  } finally {
    await page.close();
  }
}

test('the first worker warms the engine up after loading, once for the pool', async () => {
  const result = await withPool(
    2,
    `
    const messages = [];
    await pool.ready;
    for (const worker of pool.workers) worker.addEventListener('message', ({ data }) => data.kind === 'warmed' && messages.push(data));
    const outcome = await pool.warmedUp;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a second worker's would have come
    const job = await pool.run(1, file, options, () => {});
    return { outcome, messages: messages.length, bytes: job.blob.size, width: job.report.output.dimensions.width };
    `,
  );
  assert.equal(result.outcome.error, undefined, `the warm-up failed: ${result.outcome.error}`);
  assert.equal(result.outcome.skipped, undefined, 'nothing came first, yet the warm-up was skipped');
  assert.ok(result.outcome.ms > 0, `warm-up time ${result.outcome.ms}`);
  // Three JPEG passes (baseline at 3/8 and 8/8, progressive 4:2:2 at 3/8), two PNG (half, whole),
  // and, in a pool of two, a large JPEG decoded in halves, its encode shared.
  assert.equal(result.outcome.passes, 6);
  assert.equal(result.outcome.split, true, 'the large made-up JPEG was decoded in two halves');
  assert.equal(result.outcome.shared, true, "the large made-up JPEG's encode was shared");
  assert.equal(result.messages, 1, 'one worker warms the engine up, not each');
  assert.equal(result.width, 200);
  assert.ok(result.bytes > 1000, `a ${result.bytes}-byte result`);
});

test('a file that comes before the warm-up cancels it and is processed as usual', async () => {
  const result = await withPool(
    1,
    `
    await pool.ready;
    const job = await pool.run(1, file, options, () => {});
    const outcome = await pool.warmedUp;
    return { outcome, width: job.report.output.dimensions.width, height: job.report.output.dimensions.height };
    `,
  );
  assert.deepEqual(result.outcome, { skipped: true });
  assert.deepEqual([result.width, result.height], [200, 125]);
});

test('a pool made with warmUp: false never warms up', async () => {
  const result = await withPool(
    1,
    `
    const cold = new (pool.constructor)(1, { warmUp: false });
    await cold.ready;
    const outcome = await Promise.race([cold.warmedUp, new Promise((resolve) => setTimeout(() => resolve('none'), 2000))]);
    const job = await cold.run(1, file, options, () => {});
    return { outcome, width: job.report.output.dimensions.width };
    `,
  );
  assert.equal(result.outcome, 'none');
  assert.equal(result.width, 200);
});
