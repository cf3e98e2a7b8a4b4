// One large JPEG decoded by two workers at once (app/js/worker.js, "halves"; WIT `first-half`,
// `second-half`): when the pool has an idle worker and nothing else queued, a large JPEG's bottom
// half is decoded there while the job's worker decodes the top, and the two share its encode (WIT
// `shared-encode`); a smaller picture written as JPEG shares its encode only. The result is the
// file a single worker makes, byte for byte; smaller files, other formats and busy pools go as before; a file the
// halves cannot decode gets the whole decode's own error. Its benefit is a time
// (tests/bench/workloads.mjs); here, that it is used, and changes nothing else.
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
let page;

before(async () => {
  dir = poolSite('localpix-halves-');
  copyFileSync(fixturePath(PHOTO), join(dir, PHOTO));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>halves</title>');
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

/** Runs `script` in the page with `make(width, height, type)` (a made-up picture as a File, drawn
 *  and encoded by the browser: its JPEGs are baseline, one scan, no restart markers), `run(size,
 *  files, options)` (each file through a fresh pool of `size` workers, all at once; gives each
 *  file's result bytes or error tag, and the second-half messages the pool received) and the
 *  default options fit to 1920 pixels. */
async function inPage(script) {
  const options = imaging.defaultOptions();
  options.resize.mode = { tag: 'fit-within', val: { width: 1920, height: 1920 } };
  return page.evaluate(
    async ([options, script]) => {
      const { WorkerPool } = await import('./bridge.js');
      const make = async (width, height, type = 'image/jpeg') => {
        const canvas = new OffscreenCanvas(width, height);
        const context = canvas.getContext('2d');
        let seed = 7;
        const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
        for (let i = 0; i < 3000; i++) {
          context.fillStyle = `rgb(${random() * 255} ${random() * 255} ${random() * 255})`;
          context.beginPath();
          context.arc(random() * width, random() * height, 2 + random() * 60, 0, 2 * Math.PI);
          context.fill();
        }
        return new File([await canvas.convertToBlob({ type, quality: 0.9 })], `made-up.${type.split('/')[1]}`, { type });
      };
      const run = async (size, files, options, { breakHalf = false } = {}) => {
        const pool = new WorkerPool(size, { warmUp: false });
        await pool.ready;
        if (breakHalf) {
          // The second half's worker gets options it cannot read: it throws, as on a trap.
          for (const worker of pool.workers) {
            const post = worker.postMessage.bind(worker);
            worker.postMessage = (message, transfer) => post(message.kind === 'half' ? { ...message, options: null } : message, transfer);
          }
        }
        const first = new Set(pool.workers);
        const halves = [];
        const shared = [];
        const receive = pool.receive.bind(pool);
        pool.receive = (worker, message) => {
          if (message.kind === 'half-done') {
            halves.push(message.gave);
            shared.push(message.quantized);
          }
          receive(worker, message);
        };
        const results = await Promise.all(
          files.map((file, id) =>
            pool.run(id, file, options, () => {}).then(
              async ({ blob }) => Array.from(new Uint8Array(await blob.arrayBuffer())),
              (error) => error.tag,
            ),
          ),
        );
        const workers = pool.workers.length;
        const replaced = pool.workers.filter((worker) => !first.has(worker)).length;
        for (const worker of pool.workers) worker.terminate();
        return { results, halves, shared, workers, replaced };
      };
      return new Function('make', 'run', 'options', `return (async () => { ${script} })()`)(make, run, options);
    },
    [options, script],
  );
}

test('a large JPEG with a worker to spare is decoded in halves and encoded by both, to the same result', async () => {
  const { one, two } = await inPage(`
    const photo = await make(4000, 2600);
    return { one: await run(1, [photo], options), two: await run(2, [photo], options) };
  `);
  assert.deepEqual(two.halves, [true], 'the second worker decoded the bottom half and gave its rows');
  assert.deepEqual(two.shared, [true], 'the second worker quantised the bottom rows of the encode');
  assert.deepEqual(one.halves, [], 'a lone worker decodes whole');
  assert.ok(Array.isArray(two.results[0]) && two.results[0].length > 10_000, `result: ${two.results[0]}`);
  assert.ok(two.results[0].length === one.results[0].length && two.results[0].every((b, i) => b === one.results[0][i]), 'the results differ');
});

test('small JPEGs, other formats and busy pools are decoded whole; a small JPEG shares its encode', async () => {
  const { small, png, busy } = await inPage(`
    const large = await make(4000, 2600);
    return {
      small: await run(2, [await make(2000, 1500)], options),
      png: await run(2, [await make(4000, 2600, 'image/png')], options),
      busy: await run(2, [large, large], options),
    };
  `);
  // A 3-megapixel JPEG is decoded whole, its encode shared; a PNG (written as PNG) gets no second worker.
  assert.deepEqual(small.halves, [false], 'a 3-megapixel JPEG: no rows');
  assert.deepEqual(small.shared, [true], "a 3-megapixel JPEG: its encode's bottom rows quantised by the second worker");
  assert.deepEqual(png.halves, [], 'a PNG');
  assert.deepEqual(busy.halves, [], 'two large JPEGs on two workers: one each');
  for (const { results } of [small, png, busy]) assert.ok(results.every(Array.isArray), `results: ${results.map((r) => (Array.isArray(r) ? r.length : r))}`);
});

test('a smaller picture written as JPEG shares its encode with an idle worker, to the same result', async () => {
  const { one, two, pngOne, pngTwo } = await inPage(`
    const photo = await make(2000, 1500);
    const png = await make(2400, 1600, 'image/png');
    const asJpeg = structuredClone(options);
    asJpeg.encode.encoding.format = 'jpeg';
    return {
      one: await run(1, [photo], options),
      two: await run(2, [photo], options),
      pngOne: await run(1, [png], asJpeg),
      pngTwo: await run(2, [png], asJpeg),
    };
  `);
  assert.deepEqual(two.shared, [true], 'a 3-megapixel JPEG');
  assert.deepEqual(pngTwo.shared, [true], 'a PNG written as JPEG');
  for (const [a, b] of [[one, two], [pngOne, pngTwo]]) {
    assert.ok(Array.isArray(a.results[0]) && a.results[0].length > 10_000, `result: ${a.results[0]}`);
    assert.ok(a.results[0].length === b.results[0].length && a.results[0].every((x, i) => x === b.results[0][i]), 'the results differ');
  }
});

test('a large JPEG cut short fails as it does on one worker', async () => {
  const { one, two } = await inPage(`
    const photo = await make(4000, 2600);
    const cut = new File([photo.slice(0, Math.floor(photo.size * 0.7))], 'cut.jpeg', { type: 'image/jpeg' });
    return { one: await run(1, [cut], options), two: await run(2, [cut], options) };
  `);
  assert.equal(typeof one.results[0], 'string', 'an error');
  assert.equal(two.results[0], one.results[0]);
});

test("when the second half's worker stops, the job's worker decodes whole and the pool replaces it", async () => {
  const { one, broken } = await inPage(`
    const photo = await make(4000, 2600);
    return { one: await run(1, [photo], options), broken: await run(2, [photo], options, { breakHalf: true }) };
  `);
  assert.deepEqual(broken.halves, [], 'no rows came from the stopped worker');
  assert.equal(broken.replaced, 1, 'the stopped worker was replaced');
  assert.equal(broken.workers, 2);
  assert.ok(broken.results[0].length === one.results[0].length && broken.results[0].every((b, i) => b === one.results[0][i]), 'the results differ');
});

test('an encode the engine does not share lets the second worker go, to the same result', async () => {
  const { one, two, small } = await inPage(`
    const photo = await make(4000, 2600);
    const smallest = structuredClone(options);
    smallest.encode.encoding.effort = 'smallest';
    return {
      one: await run(1, [photo], smallest),
      two: await run(2, [photo], smallest),
      small: await run(2, [await make(2000, 1500)], smallest),
    };
  `);
  // Progressive JPEG (`smallest`) is written by one engine: the second worker gets no band, and a
  // picture too small for the halves gets no second worker at all.
  assert.deepEqual(two.halves, [true]);
  assert.deepEqual(two.shared, [false]);
  assert.deepEqual(small.halves, []);
  assert.ok(two.results[0].length === one.results[0].length && two.results[0].every((b, i) => b === one.results[0][i]), 'the results differ');
});
