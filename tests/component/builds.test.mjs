// The two builds of the engine the browser loads (Makefile, `component`): the light one, which the
// page loads first, and the full one, which a worker loads when a file needs a codec the light one
// leaves out. Both run with the one jco glue in target/component/js, as app/js/worker.js runs them.
// The light engine must name what it lacks with the typed error `codec-not-built` (that is what
// makes the worker move), must do everything else itself, and must give the same bytes as the full
// one, so a batch's results do not depend on which build a worker had.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, fixture } from '../support/files.mjs';

const JS = join(ROOT, 'target/component/js');
const { instantiate } = await import(join(JS, 'localpix_core.js'));
const CORE = 'localpix_core.core.wasm';

/** An engine with `main` as its main core module and jco's other modules as they are. */
async function engine(main) {
  const compile = (name) => WebAssembly.compile(readFileSync(join(JS, name === CORE ? main : name)));
  return (await instantiate(compile, {})).imaging;
}
const light = await engine(CORE);
const full = await engine('localpix_core.full.core.wasm');

function withFormat(imaging, format) {
  const options = imaging.defaultOptions();
  options.encode.encoding.format = format;
  return options;
}

/** The engine's typed error for `run`, or fails when there is none. */
function refusal(run) {
  try {
    run();
  } catch (e) {
    assert.ok(e.payload, `a trap, not an error: ${e}`);
    return e.payload;
  }
  assert.fail('no error');
}

const LEFT_OUT = [
  ['reading TIFF', 'tiff-input', (imaging) => imaging.process(fixture('small.tiff'), imaging.defaultOptions())],
  ['probing TIFF', 'tiff-input', (imaging) => imaging.probe(fixture('small.tiff'))],
  ['reading HEIC', 'heic-input', (imaging) => imaging.process(fixture('heic-alpha.heic'), imaging.defaultOptions())],
  ['reading JPEG XL', 'jxl-input', (imaging) => imaging.process(fixture('jxl-photo.jxl'), imaging.defaultOptions())],
  ['writing AVIF', 'avif-output', (imaging) => imaging.process(fixture('one-pixel.png'), withFormat(imaging, 'avif'))],
  ['writing lossy WebP', 'webp-output', (imaging) => imaging.process(fixture('photo-640x400.jpg'), withFormat(imaging, 'webp'))],
  // A lossy WebP kept in its format is written lossy: that needs libwebp too.
  ['a lossy WebP as it came', 'webp-output', (imaging) => imaging.process(fixture('photo-lossy.webp'), imaging.defaultOptions())],
];

for (const [what, codec, run] of LEFT_OUT) {
  test(`the light engine names what it leaves out: ${what} → codec-not-built ${codec}`, () => {
    const error = refusal(() => run(light));
    assert.equal(error.tag, 'codec-not-built');
    assert.equal(error.val.codec, codec);
    assert.match(error.val.message, /leaves out .* full build has it/);
  });

  test(`the full engine does it: ${what}`, () => {
    const result = run(full);
    assert.ok(result.bytes?.length || result.dimensions, 'a result');
  });
}

const BOTH = [
  ['a JPEG photo', 'photo-640x400.jpg', 'same-as-input'],
  ['a progressive JPEG to PNG', 'progressive.jpg', 'png'],
  ['a PNG with alpha to lossless WebP', 'alpha-640x360.png', 'webp-lossless'],
  ['a lossless WebP', 'alpha-lossless.webp', 'same-as-input'],
  ['an animated GIF', 'animated.gif', 'same-as-input'],
  ['a BMP to JPEG', 'small.bmp', 'jpeg'],
  ['an Adobe RGB JPEG', 'adobergb-icc.jpg', 'jpeg'],
];

for (const [what, name, format] of BOTH) {
  test(`the light engine does ${what} itself, byte for byte as the full one`, () => {
    const ours = light.process(fixture(name), withFormat(light, format));
    const theirs = full.process(fixture(name), withFormat(full, format));
    assert.ok(ours.bytes.length > 0);
    assert.deepEqual(Buffer.from(ours.bytes), Buffer.from(theirs.bytes));
  });
}

test('the light engine is the smaller download', () => {
  const size = (name) => readFileSync(join(JS, name)).length;
  assert.ok(size(CORE) < size('localpix_core.full.core.wasm') * 0.8, `light ${size(CORE)} bytes, full ${size('localpix_core.full.core.wasm')}`);
});
