// The engine's memory estimate (core-component/src/memory.rs) against what jobs really take: each
// job runs in a fresh instance of the component (the jco build the browser loads, with the full
// engine's core module, which reads and writes every format the fixtures hold), and the growth
// of its WebAssembly memory is what the job took at its peak (that memory never shrinks). The
// estimate is seen the way a caller sees it: with `limits.max-memory` at that growth the job must
// be refused before it starts (the estimate is not below the truth), and with a little over twice
// it the job must run (the estimate is not uselessly high).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, corpus, fixture, needsCorpus } from '../support/files.mjs';

const JS = join(ROOT, 'target/component/js');
const { instantiate } = await import(join(JS, 'localpix_core.js'));
const cores = new Map();

/** A fresh engine and a reading of its memory (every core instance's memories together). */
async function freshEngine() {
  const memories = [];
  const compile = (name) => {
    const file = name === 'localpix_core.core.wasm' ? 'localpix_core.full.core.wasm' : name;
    if (!cores.has(name)) cores.set(name, WebAssembly.compile(readFileSync(join(JS, file))));
    return cores.get(name);
  };
  const instantiateCore = async (module, imports) => {
    const instance = await WebAssembly.instantiate(module, imports);
    memories.push(...Object.values(instance.exports).filter((e) => e instanceof WebAssembly.Memory));
    return instance;
  };
  const { imaging } = await instantiate(compile, {}, instantiateCore);
  return { imaging, bytes: () => memories.reduce((sum, m) => sum + m.buffer.byteLength, 0) };
}

const MiB = 2 ** 20;
// Above the measured peak, the estimate may be at most this: twice, and a few MiB for small files
// (the allocator takes memory in steps, the stack and tables are counted whole).
const highest = (grew) => Math.ceil(2 * grew + 8 * MiB);

const fit = (side) => ({ tag: 'fit-within', val: { width: side, height: side } });
const SETS = {
  'fit 1920, same format': () => {},
  'full size JPEG': (o) => Object.assign(o.resize, { mode: { tag: 'none' } }) && (o.encode.encoding.format = 'jpeg'),
  'fit 320 PNG': (o) => ((o.resize.mode = fit(320)), (o.encode.encoding.format = 'png')),
  'lossy WebP': (o) => (o.encode.encoding.format = 'webp'),
  // rav1e's frame state and our kept reconstructions (core-component/src/encode/avif.rs); fast, so
  // every fixture stays quick.
  AVIF: (o) => Object.assign(o.encode.encoding, { format: 'avif', effort: 'fast' }),
  'smallest JPEG 4:4:4': (o) => Object.assign(o.encode.encoding, { format: 'jpeg', effort: 'smallest', jpeg: { progressive: true, chromaSubsampling: 'yuv444' } }),
  'auto quality': (o) => Object.assign(o.encode.encoding, { format: 'jpeg', quality: { tag: 'auto', val: 'high' } }),
  // Each AVIF candidate keeps rav1e's reconstruction to be scored on.
  'auto quality AVIF': (o) => Object.assign(o.encode.encoding, { format: 'avif', effort: 'fast', quality: { tag: 'auto', val: 'high' } }),
};

/** Runs `bytes` with option set `name` in a fresh engine; the options with `maxMemory`. */
async function run(bytes, name, maxMemory) {
  const { imaging, bytes: memory } = await freshEngine();
  const options = imaging.defaultOptions();
  SETS[name](options);
  if (maxMemory) options.limits.maxMemory = maxMemory;
  const before = memory();
  try {
    imaging.process(bytes, options);
    return { grew: memory() - before };
  } catch (e) {
    assert.ok(e.payload, `${name}: a trap, not an error: ${e}`);
    return { error: e.payload };
  }
}

async function checkEstimate(label, bytes, name) {
  const { grew, error } = await run(bytes, name);
  assert.equal(error, undefined, `${label}, ${name}: ${error?.val?.message ?? error?.val}`);
  const below = await run(bytes, name, grew);
  assert.equal(below.error?.tag, 'too-large', `${label}, ${name}: took ${(grew / MiB).toFixed(1)} MiB, yet ran with that limit (the estimate is too low)`);
  assert.match(below.error.val.message, /needs about \d+ MB of memory, over the limit of \d+ MB\./);
  const above = await run(bytes, name, highest(grew));
  assert.equal(above.error, undefined, `${label}, ${name}: took ${(grew / MiB).toFixed(1)} MiB, refused at ${(highest(grew) / MiB).toFixed(1)}: ${above.error?.val?.message}`);
  return grew;
}

// Sets too slow for every fixture (a searched AVIF encodes several candidates), on these only.
const ONLY_ON = { 'auto quality AVIF': ['photo-640x400.jpg', 'alpha-640x360.png', 'gray16.png'] };

const FIXTURES = ['photo-640x400.jpg', 'progressive.jpg', 'cmyk.jpg', 'alpha-640x360.png', 'gray16.png', 'palette.png', 'photo-lossy.webp', 'alpha-lossless.webp', 'animated.gif', 'small.bmp', 'small.tiff', 'jxl-photo.jxl', 'jxl-alpha-lossless.jxl', 'jxl-rgb16.jxl'];

test('the estimate bounds what each fixture takes, every format, every kind of encode', async () => {
  for (const name of FIXTURES) {
    for (const set of Object.keys(SETS)) {
      if (!ONLY_ON[set] || ONLY_ON[set].includes(name)) await checkEstimate(name, fixture(name), set);
    }
  }
});

const BIG = ['kleiber-6028x3391.jpg', 'patak-5120x2880-rgba.png', 'adwaita-4096x4096.webp'];
test('the estimate bounds what big photos take (the corpus)', needsCorpus(...BIG), async () => {
  for (const name of BIG) {
    for (const set of ['fit 1920, same format', 'full size JPEG', 'lossy WebP', 'AVIF']) {
      const grew = await checkEstimate(name, corpus(name), set);
      console.log(`${name}, ${set}: ${(grew / MiB).toFixed(1)} MiB`);
    }
  }
});
