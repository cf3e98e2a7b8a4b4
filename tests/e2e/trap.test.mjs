// A genuine trap, not a simulated one: the engine in a worker really runs out of memory. Chromium
// is started with V8's limit on a WebAssembly memory lowered to 64 MiB (`--wasm-max-mem-pages`),
// as a phone with little memory to spare would behave, and given a valid 36-megapixel PNG: within
// the engine's limits (100 MP, 1 GiB), so it is decoded, and its 144 MB of RGBA cannot be had.
// `memory.grow` fails inside the component, the allocator aborts, the worker's instance traps.
// The app must replace that worker, fail that one file with a plain message naming it, and
// finish every other file of the batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { imaging } from '../../target/component/node/localpix_core.js';
import { CHROMIUM_ARGS, openApp, rows, servedApp, waitForBatch } from '../support/browser.mjs';
import { fixture } from '../support/files.mjs';
import { encodeFlatPng } from '../support/png.mjs';

// 1024 pages of 64 KiB: 64 MiB for each WebAssembly memory (the page's and every worker's).
const WASM_PAGES = 1024;
const SIDE = 6000;

const served = servedApp({ args: [...CHROMIUM_ARGS, `--js-flags=--wasm-max-mem-pages=${WASM_PAGES}`] });

test('a worker whose engine runs out of memory is replaced; that file fails with a plain message, the rest are done', async () => {
  const huge = encodeFlatPng(SIDE, SIDE);
  // The file is valid and within the engine's limits: the header is fine and nothing refuses it
  // before the decode (Node's engine, with no memory cap, would decode it).
  const info = imaging.probe(new Uint8Array(huge));
  assert.deepEqual([info.format, info.dimensions], ['png', { width: SIDE, height: SIDE }]);
  const limits = imaging.defaultOptions().limits;
  assert.ok(SIDE * SIDE <= limits.maxPixels && SIDE * SIDE * 4 <= limits.maxMemory, 'the test file must be within the limits');
  assert.ok(SIDE * SIDE * 4 > WASM_PAGES * 65536, 'the test file must not fit in the capped memory');

  const page = await openApp(served.context, served.server.url, { offline: false });
  const warnings = [];
  page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
  const imageWorkers = () => page.workers().filter((w) => w.url().endsWith('/worker.js'));
  const workersBefore = imageWorkers().length;
  const ended = [];
  for (const worker of imageWorkers()) worker.on('close', () => ended.push(worker));

  const photo = Buffer.from(fixture('photo-640x400.jpg'));
  const small = (name) => ({ name, mimeType: 'image/jpeg', buffer: photo });
  const files = [small('before.jpg'), { name: 'huge.png', mimeType: 'image/png', buffer: huge }, ...['a', 'b', 'c', 'd', 'e'].map((n) => small(`after-${n}.jpg`))];
  await page.setInputFiles('#file-input', files);
  await waitForBatch(page, files.length, 120000);

  const list = await rows(page);
  const failed = list.filter((r) => r.state === 'failed');
  assert.deepEqual(failed.map((r) => r.name), ['huge.png'], `${JSON.stringify(list.map((r) => [r.name, r.state]))}`);
  assert.equal(
    failed[0].error,
    'The image engine stopped on huge.png: most likely it ran out of memory on this device. The other files carry on. Try a smaller size, or fewer files at once.',
  );
  assert.equal(list.filter((r) => r.state === 'done').length, files.length - 1, 'every other file is done');
  // It was a WebAssembly trap in the worker (the bridge logs what the engine said), not an
  // error the engine returned.
  const trap = warnings.find((w) => w.includes('stopped on huge.png'));
  assert.ok(trap, `no trap was logged: ${warnings}`);
  assert.match(trap, /unreachable|memory/i);
  console.log(`the trap, as the worker reported it: ${trap}`);
  // The trapped worker was ended and a fresh one took its place.
  assert.equal(ended.length, 1, 'the trapped worker was not ended');
  assert.equal(imageWorkers().length, workersBefore, 'the pool is not back to its size');
  assert.deepEqual(page.errors, [], 'the page threw');
  await page.close();
});
