// A JPEG encode shared by two engines through the component's own interface (WIT `shared-encode`,
// `quantize-band`), as two workers share it (app/js/worker.js): the band and its quantised bytes
// passed between two instances of the engine as the workers post them (structured clones). The
// output is `image.encode`'s, to the byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { imaging } from '../../target/component/node/localpix_core.js';
import { fixture } from '../support/files.mjs';

const { Image, SharedEncode } = imaging;

/** A second instance of the engine, with its own memory, as another worker has. */
const another = async () => (await import(`../../target/component/node/localpix_core.js?instance=${Math.random()}`)).imaging;

/** The photo fixture enlarged to `width` wide (1920 gives 1.9 megapixels). */
function enlarged(width, name = 'photo-640x400.jpg') {
  const options = imaging.defaultOptions();
  const photo = Image.decode(fixture(name), { limits: options.limits });
  return photo.resize({ ...options.resize, mode: { tag: 'fit-width', val: width }, neverUpscale: false });
}

/** `image` encoded with `options` by this instance and `other`, which quantises the band. */
function shared(other, image, options) {
  const encode = SharedEncode.begin(image, options);
  assert.ok(encode, 'shared');
  const band = structuredClone(encode.band());
  encode.quantize();
  const theirs = other.quantizeBand(band);
  return encode.finish(structuredClone(theirs));
}

test('two engines write the JPEG one writes, metadata, budget and all', async () => {
  const other = await another();
  const defaults = imaging.defaultOptions().encode;
  const variants = {
    defaults,
    fast: { ...defaults, encoding: { ...defaults.encoding, effort: 'fast' } },
    keepSafe444: {
      ...defaults,
      metadata: 'keep-safe',
      encoding: { ...defaults.encoding, jpeg: { ...defaults.encoding.jpeg, chromaSubsampling: 'yuv444' } },
    },
    budget: { ...defaults, maxBytes: 90_000, score: true },
  };
  for (const name of ['photo-640x400.jpg', 'phone-orient6-gps.jpg']) {
    const image = enlarged(1920, name);
    for (const [variant, options] of Object.entries(variants)) {
      const alone = image.encode(options);
      const two = shared(other, image, options);
      assert.deepEqual(Buffer.from(two.bytes), Buffer.from(alone.bytes), `${name}, ${variant}`);
      assert.deepEqual({ ...two, bytes: null }, { ...alone, bytes: null }, `${name}, ${variant}: the output's fields`);
    }
  }
});

test('what is not shared, and bands that do not fit', async () => {
  const other = await another();
  const image = enlarged(1920);
  const options = imaging.defaultOptions().encode;
  const png = { ...options, encoding: { ...options.encoding, format: 'png' } };
  assert.equal(SharedEncode.begin(image, png), undefined, 'a PNG');
  assert.equal(SharedEncode.begin(enlarged(1000), options), undefined, 'under a megapixel');
  const auto = { ...options, encoding: { ...options.encoding, quality: { tag: 'auto', val: 'high' } } };
  assert.equal(SharedEncode.begin(image, auto), undefined, 'automatic quality');

  const encode = SharedEncode.begin(image, options);
  const band = encode.band();
  encode.quantize();
  const theirs = other.quantizeBand(band);
  assert.throws(() => encode.finish(theirs.slice(0, -1)), (e) => e.payload?.tag === 'invalid-options', 'a band cut short');
  // Taken by the failed finish: a second is an error, not a trap.
  assert.throws(() => encode.finish(theirs), (e) => e.payload?.tag === 'invalid-options');
  assert.throws(() => encode.band(), (e) => e.payload?.tag === 'invalid-options');
  assert.throws(() => other.quantizeBand({ ...band, rows: band.rows + 1 }), (e) => e.payload?.tag === 'encoding-failed');

  // Without the other engine's band, this one quantises it too: still the same output.
  const alone = SharedEncode.begin(image, options);
  alone.quantize();
  assert.deepEqual(Buffer.from(alone.finish(undefined).bytes), Buffer.from(image.encode(options).bytes));
});
