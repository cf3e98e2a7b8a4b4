// A large JPEG or PNG decoded in halves through the component's own interface (WIT `plan-halves`,
// `first-half`, `second-half`), as two workers do it (app/js/worker.js): each half on its own
// instance of the engine, the seam and the rows passed between them as the workers post them
// (structured clones). The image is the one `image.decode` gives: the same output to the byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { imaging } from '../../target/component/node/localpix_core.js';
import { corpus, fixture, needsCorpus } from '../support/files.mjs';

const { Image } = imaging;

/** A second instance of the engine, with its own memory, as another worker has: the module
 *  imported again under another URL is evaluated again. */
const another = async () => (await import(`../../target/component/node/localpix_core.js?instance=${Math.random()}`)).imaging;

function decodeOptions(mode) {
  const options = imaging.defaultOptions();
  return { limits: options.limits, intendedResize: { ...options.resize, mode } };
}

/** A 3840×2400 baseline JPEG (9.2 megapixels), the photo fixture enlarged by the engine. */
function largeJpeg() {
  const options = imaging.defaultOptions();
  const photo = Image.decode(fixture('photo-640x400.jpg'), { limits: options.limits });
  const large = photo.resize({ ...options.resize, mode: { tag: 'fit-width', val: 3840 }, neverUpscale: false });
  const encode = structuredClone(options.encode);
  encode.encoding = { ...encode.encoding, format: 'jpeg', effort: 'fast', quality: { tag: 'fixed', val: 90 } };
  encode.keepSmallerOriginal = false;
  return large.encode(encode).bytes;
}

/** `input` decoded in halves: the second half on `other`, another instance of the engine. */
function inHalves(other, input, options) {
  const plan = imaging.planHalves(input, options);
  assert.ok(plan, 'a plan');
  const first = imaging.FirstHalf.decode(input, options, plan);
  const second = other.SecondHalf.decode(input, options, structuredClone(plan));
  const seam = first.seam();
  assert.ok(seam, 'a seam');
  first.finish();
  const rows = second.finish(structuredClone(seam));
  return first.join(structuredClone(rows));
}

/** The image's default JPEG at 1920 pixels. */
function output(image, mode) {
  const options = imaging.defaultOptions();
  return image.resize({ ...options.resize, mode }).encode(options.encode).bytes;
}

function assertSameAsWhole(other, input, mode) {
  const options = decodeOptions(mode);
  const halves = inHalves(other, input, options);
  const whole = Image.decode(input, options);
  assert.deepEqual(halves.dimensions(), whole.dimensions());
  assert.deepEqual(Buffer.from(output(halves, mode)), Buffer.from(output(whole, mode)));
}

const fit = (width, height) => ({ tag: 'fit-within', val: { width, height } });

test('a large JPEG decoded in halves by two engines gives the whole decode\'s output', async () => {
  const other = await another();
  const input = largeJpeg();
  assertSameAsWhole(other, input, fit(1440, 1440));
  assertSameAsWhole(other, input, fit(960, 960));
  // Not split: too small, or decoded above half its size.
  assert.equal(imaging.planHalves(fixture('photo-640x400.jpg'), decodeOptions(fit(100, 100))), undefined);
  assert.equal(imaging.planHalves(input, decodeOptions(fit(3000, 3000))), undefined);
});

test('kleiber and painting decoded in halves give the whole decode\'s output', needsCorpus('kleiber-6028x3391.jpg', 'painting-6000x4000.jpg'), async () => {
  const other = await another();
  assertSameAsWhole(other, corpus('kleiber-6028x3391.jpg'), fit(1920, 1920));
  assertSameAsWhole(other, corpus('painting-6000x4000.jpg'), { tag: 'fit-width', val: 1920 });
});

test('a seam that does not fit is refused as the engine\'s error, not a trap', async () => {
  const input = largeJpeg();
  const options = decodeOptions(fit(1440, 1440));
  const plan = imaging.planHalves(input, options);
  const second = imaging.SecondHalf.decode(input, options, plan);
  assert.throws(() => second.finish({ row: 100_000, bit: 0n, predictions: [0, 0, 0] }), (e) => e.payload?.tag === 'malformed-input');
});

test('patak, a 15-megapixel PNG, decoded in halves by two engines gives the whole decode\'s output', needsCorpus('patak-5120x2880-rgba.png'), async () => {
  const other = await another();
  const input = corpus('patak-5120x2880-rgba.png');
  const mode = { tag: 'fit-width', val: 1280 };
  const plan = imaging.planHalves(input, decodeOptions(mode));
  // A PNG's plan is a bit of its pixel data (where the second engine's deflate block starts): a u64.
  assert.equal(typeof plan.secondFrom, 'bigint');
  assertSameAsWhole(other, input, mode);
  // Without the second half's rows the first decodes the rest alone.
  const options = decodeOptions(mode);
  const first = imaging.FirstHalf.decode(input, options, plan);
  assert.ok(first.seam());
  first.finish();
  assert.deepEqual(Buffer.from(output(first.join(new Uint8Array(0)), mode)), Buffer.from(output(Image.decode(input, options), mode)));
});
