// The component as JavaScript sees it: the jco transpilation of target/component/localpix_core.wasm
// (the artefact the app ships), run in Node on real files. `make test` builds it first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { compareImages, decodePng, encodeFilteredPng, meanDifference } from '../support/png.mjs';
import { contains, corpus, corpusPath, fixture, fixturePath, needsCorpus, ROOT, scratchDir } from '../support/files.mjs';

const { Image } = imaging;

/** Default options with a different resize mode and output format. */
function options({ mode, format = 'same-as-input', metadata = 'strip-all' } = {}) {
  const o = imaging.defaultOptions();
  if (mode) o.resize.mode = mode;
  o.encode.encoding.format = format;
  o.encode.metadata = metadata;
  return o;
}

const fit = (width, height) => ({ tag: 'fit-within', val: { width, height } });
const none = { tag: 'none' };

/** The error payload a call throws (jco turns `result::err` into a thrown ComponentError). */
function errorOf(call) {
  try {
    call();
  } catch (e) {
    assert.ok(e.payload, `expected a typed error, got ${e}`);
    return e.payload;
  }
  assert.fail('expected an error');
}

test('the phone photo comes out upright, resized, with no private data', () => {
  const out = imaging.process(fixture('phone-orient6-gps.jpg'), options({ mode: fit(320, 320) }));
  assert.equal(out.format, 'jpeg');
  assert.deepEqual(out.dimensions, { width: 320, height: 200 });
  for (const secret of ['SN-0042-PRIVATE', 'Jane Example', 'Exif']) {
    assert.ok(!contains(out.bytes, secret), `${secret} found in the output`);
  }
  const info = imaging.probe(out.bytes);
  assert.deepEqual(info.metadata, []);
  assert.equal(info.orientation, 'normal');
});

test('all eight EXIF orientations come out like orientation 1 (pixels, not only sizes)', () => {
  const png = (name) => decodePng(imaging.process(fixture(name), options({ mode: none, format: 'png' })).bytes);
  const upright = png('orientation-1.jpg');
  assert.equal(upright.width, 160);
  for (let n = 2; n <= 8; n++) {
    const turned = png(`orientation-${n}.jpg`);
    assert.deepEqual([turned.width, turned.height], [upright.width, upright.height], `orientation ${n}`);
    // JPEG blocks fall differently once turned: small differences, never a wrong turn (~40+).
    const diff = meanDifference(turned, upright);
    assert.ok(diff < 4, `orientation ${n} differs from orientation 1 by ${diff.toFixed(1)} per sample`);
  }
});

test('every resize mode gives its size, on the displayed (upright) image', () => {
  const cases = [
    [{ tag: 'fit-width', val: 320 }, [320, 200]],
    [{ tag: 'fit-height', val: 100 }, [160, 100]],
    [{ tag: 'cover', val: { width: 100, height: 100 } }, [100, 100]],
    [{ tag: 'exact', val: { width: 300, height: 50 } }, [300, 50]],
    [{ tag: 'scale-percent', val: 25 }, [160, 100]],
    [{ tag: 'scale-percent', val: 50 }, [320, 200]],
    [none, [640, 400]],
    [fit(2000, 2000), [640, 400]],
  ];
  for (const [mode, [width, height]] of cases) {
    const out = imaging.process(fixture('phone-orient6-gps.jpg'), options({ mode, format: 'png' }));
    assert.deepEqual(out.dimensions, { width, height }, JSON.stringify(mode));
    const png = decodePng(out.bytes);
    assert.deepEqual([png.width, png.height], [width, height]);
  }
});

test('probe reads the private fields without decoding', () => {
  const info = imaging.probe(fixture('phone-orient6-gps.jpg'));
  assert.deepEqual(info.dimensions, { width: 640, height: 400 });
  assert.equal(info.orientation, 'rotate90');
  assert.equal(info.format, 'jpeg');
  const kinds = new Set(info.metadata.map((f) => f.sensitive).filter(Boolean));
  assert.deepEqual([...kinds].sort(), ['device', 'free-text', 'hidden-content', 'location', 'person']);
  const serial = info.metadata.find((f) => f.name === 'BodySerialNumber');
  assert.equal(serial.value, '"SN-0042-PRIVATE"');
  assert.equal(serial.group, 'exif');
  assert.ok(info.metadata.some((f) => f.group === 'gps' && f.name === 'GPSLatitude'));
});

test('probe reports format, alpha, depth, frames and profile', () => {
  const cases = [
    ['alpha-640x360.png', { format: 'png', hasAlpha: true, bitDepth: 8, frameCount: 1 }],
    ['gray16.png', { format: 'png', hasAlpha: false, bitDepth: 16, colorModel: 'gray' }],
    ['animated.gif', { format: 'gif', frameCount: 8 }],
    ['cmyk.jpg', { format: 'jpeg', colorModel: 'cmyk' }],
    ['progressive.jpg', { progressive: true }],
    ['small.tiff', { format: 'tiff' }],
    ['small.bmp', { format: 'bmp' }],
    ['alpha-lossy.webp', { format: 'webp', hasAlpha: true }],
  ];
  for (const [name, expected] of cases) {
    const info = imaging.probe(fixture(name));
    for (const [key, value] of Object.entries(expected)) assert.equal(info[key], value, `${name}: ${key}`);
  }
  const icc = imaging.probe(fixture('adobergb-icc.jpg')).colorProfile;
  assert.equal(icc.colorSpace, 'rgb');
  assert.equal(icc.isSrgb, false);
});

test('alpha is kept through PNG and WebP', () => {
  // Each fixture has one translucent pixel (alpha 254), which a resize averages away; an opaque
  // PNG is written without the channel (as oxipng does), so the PNGs are made at full size.
  const half = { tag: 'fit-width', val: 320 };
  for (const [name, format, mode, width] of [['alpha-640x360.png', 'png', { tag: 'none' }, 640], ['alpha-lossless.webp', 'webp-lossless', half, 320], ['alpha-lossy.webp', 'png', { tag: 'none' }, 640]]) {
    const out = imaging.process(fixture(name), options({ mode, format }));
    assert.deepEqual(out.dimensions, { width, height: (width * 9) / 16 }, name);
    assert.equal(imaging.probe(out.bytes).hasAlpha, true, `${name} lost its alpha`);
  }
  const opaque = imaging.process(fixture('alpha-640x360.png'), options({ mode: half, format: 'png' }));
  assert.equal(imaging.probe(opaque.bytes).hasAlpha, false, 'an opaque PNG keeps an alpha channel of 255s');
});

test('the colour profile is kept, or the pixels converted to sRGB when it is stripped', () => {
  const input = fixture('adobergb-icc.jpg');
  for (const metadata of ['keep-color-profile', 'keep-safe']) {
    const out = imaging.process(input, options({ mode: none, format: 'png', metadata }));
    const profile = imaging.probe(out.bytes).colorProfile;
    assert.ok(profile && !profile.isSrgb, `${metadata} lost the profile`);
  }
  const stripped = imaging.process(input, options({ mode: none, format: 'png' }));
  assert.equal(imaging.probe(stripped.bytes).colorProfile, undefined);
  const kept = decodePng(imaging.process(input, options({ mode: none, format: 'png', metadata: 'keep-color-profile' })).bytes);
  assert.ok(meanDifference(decodePng(stripped.bytes), kept) > 2, 'stripping the profile did not convert the pixels');
});

test('every input format decodes, 16-bit becomes 8-bit', () => {
  for (const name of ['photo-640x400.jpg', 'progressive.jpg', 'cmyk.jpg', 'gray16.png', 'palette.png', 'alpha-lossy.webp',
    'alpha-lossless.webp', 'animated.gif', 'small.bmp', 'small.tiff', 'one-pixel.png']) {
    const out = imaging.process(fixture(name), imaging.defaultOptions());
    assert.deepEqual(out.dimensions, imaging.probe(fixture(name)).dimensions, `${name}: never enlarged`);
    assert.equal(imaging.probe(out.bytes).bitDepth, 8, name);
  }
});

test('resize-image is the simple form', () => {
  const bytes = imaging.resizeImage(fixture('phone-orient6-gps.jpg'), { width: 100, height: 100 });
  const info = imaging.probe(bytes);
  assert.deepEqual([info.format, info.dimensions, info.metadata], ['jpeg', { width: 100, height: 63 }, []]);
  assert.equal(imaging.probe(imaging.resizeImage(fixture('alpha-lossless.webp'), { width: 64, height: 64 })).format, 'webp');
  assert.equal(imaging.probe(imaging.resizeImage(fixture('small.bmp'), { width: 64, height: 64 })).format, 'png');
  try {
    imaging.resizeImage(new Uint8Array([1, 2, 3]), { width: 1, height: 1 });
    assert.fail('random bytes resized');
  } catch (e) {
    assert.match(String(e.payload), /not an image/);
  }
});

test('the image resource decodes once and makes several outputs', () => {
  const image = Image.decode(fixture('photo-640x400.jpg'), { limits: imaging.defaultOptions().limits, intendedResize: undefined });
  assert.deepEqual(image.dimensions(), { width: 640, height: 400 });
  assert.equal(image.info().format, 'jpeg');
  const resize = (mode) => ({ mode, filter: 'lanczos3', neverUpscale: true, turn: 'normal' });
  const small = image.resize(resize({ tag: 'fit-width', val: 160 }));
  const square = image.resize(resize({ tag: 'cover', val: { width: 100, height: 100 } }));
  assert.deepEqual(small.dimensions(), { width: 160, height: 100 });
  assert.deepEqual(square.dimensions(), { width: 100, height: 100 });
  const encode = (quality) => {
    const e = imaging.defaultOptions().encode;
    e.encoding.format = 'jpeg';
    e.encoding.quality = { tag: 'fixed', val: quality };
    return e;
  };
  const [high, low] = [small.encode(encode(95)), small.encode(encode(30))];
  assert.ok(low.bytes.length < high.bytes.length / 2, `q30 ${low.bytes.length} vs q95 ${high.bytes.length}`);
  assert.equal(low.quality, 30);
  // Knowing the resize that follows lets a JPEG decode at a reduced scale in the DCT domain.
  const hinted = Image.decode(fixture('photo-640x400.jpg'), { limits: imaging.defaultOptions().limits, intendedResize: resize({ tag: 'fit-width', val: 160 }) });
  assert.deepEqual(hinted.dimensions(), { width: 160, height: 100 });
  for (const r of [image, small, square, hinted]) r[Symbol.dispose]();
});

test('a crop is cut from the upright, turned picture before the resize', () => {
  const o = options({ mode: { tag: 'fit-width', val: 100 }, format: 'png' });
  o.resize.crop = { left: 0, top: 0, width: 200, height: 500 };
  // The sideways phone photo is 640×400 upright, 400×640 turned a quarter.
  assert.equal(errorOf(() => imaging.process(fixture('phone-orient6-gps.jpg'), o)).tag, 'invalid-crop');
  o.resize.turn = 'rotate90';
  assert.deepEqual(imaging.process(fixture('phone-orient6-gps.jpg'), o).dimensions, { width: 100, height: 250 });
  // check-options refuses a crop without pixels before any file is read.
  o.resize.crop = { left: 0, top: 0, width: 0, height: 300 };
  assert.equal(errorOf(() => imaging.checkOptions(o)).tag, 'invalid-crop');
});

test('a byte budget is met, or refused honestly', () => {
  const o = options({ mode: none, format: 'jpeg' });
  o.encode.maxBytes = 30000;
  const out = imaging.process(fixture('photo-640x400.jpg'), o);
  assert.ok(out.bytes.length <= 30000 && out.quality < 80, `${out.bytes.length} bytes at q${out.quality}`);
  o.encode.maxBytes = 200;
  const err = errorOf(() => imaging.process(fixture('photo-640x400.jpg'), o));
  assert.equal(err.tag, 'budget-unreachable');
  assert.ok(err.val.smallestBytes > 200);
});

test('every error variant, each with a message for people', () => {
  const photo = fixture('photo-640x400.jpg');
  const avif = new Uint8Array([0, 0, 0, 0x18, ...Buffer.from('ftypavif'), 0, 0, 0, 0, ...Buffer.from('mif1avif')]);
  const overLimit = options();
  overLimit.limits.maxPixels = 100000;
  const badQuality = options();
  badQuality.encode.encoding.quality = { tag: 'fixed', val: 0 };
  const wide = options({ mode: { tag: 'exact', val: { width: 70000, height: 1 } }, format: 'jpeg' });
  wide.resize.neverUpscale = false;
  const outside = options();
  outside.resize.crop = { left: 600, top: 0, width: 100, height: 100 };
  const cases = [
    ['unsupported-format', avif, options(), (v) => assert.match(v, /AVIF/)],
    ['malformed-input', photo.subarray(0, photo.length / 2), options(), () => {}],
    ['malformed-input', new Uint8Array(), options(), (v) => assert.match(v, /empty/)],
    ['too-large', photo, overLimit, (v) => assert.deepEqual([v.dimensions, v.limit], [{ width: 640, height: 400 }, 100000])],
    ['invalid-options', photo, badQuality, (v) => assert.match(v, /quality/)],
    ['invalid-options', photo, options({ mode: fit(0, 10) }), (v) => assert.match(v, /0 pixels/)],
    ['encoding-failed', fixture('one-pixel.png'), wide, (v) => assert.match(v, /65 535/)],
    ['invalid-crop', photo, outside, (v) => assert.deepEqual([v.crop, v.picture], [outside.resize.crop, { width: 640, height: 400 }])],
  ];
  for (const [tag, input, opts, check] of cases) {
    const err = errorOf(() => imaging.process(input, opts));
    assert.equal(err.tag, tag);
    check(err.val);
    const message = typeof err.val === 'string' ? err.val : err.val.message;
    assert.ok(message.length > 20, `${tag}: "${message}" is not a message for people`);
  }
});

test('random and corrupted bytes give errors, never a trap', () => {
  let state = 0x9e3779b9;
  const next = () => (state = (state * 1664525 + 1013904223) >>> 0);
  const noise = Uint8Array.from({ length: 5000 }, () => next() & 0xff);
  assert.ok(errorOf(() => imaging.process(noise, options())).tag);
  for (const name of ['photo-640x400.jpg', 'alpha-640x360.png', 'alpha-lossy.webp', 'animated.gif', 'small.tiff', 'small.bmp']) {
    const original = fixture(name);
    for (let i = 0; i < 4; i++) {
      const bytes = original.slice();
      for (let j = 0; j < 4; j++) bytes[next() % bytes.length] = next() & 0xff;
      for (const call of [() => imaging.process(bytes, options()), () => imaging.probe(bytes)]) {
        try {
          call();
        } catch (e) {
          // A typed error is fine; a trap (RuntimeError) is not.
          assert.ok(e.payload, `${name}: ${e}`);
        }
      }
    }
  }
});

// The component must resize exactly as the native build does (±1): the wasm simd128 paths of
// fast_image_resize against the native SSE4.1/AVX2 ones, and a guard against rust-lang/rust#157456
// (RGBA alpha division miscompiled by Rust 1.95/1.96). Inputs are lossless, so both sides resize
// the same decoded pixels.
const REFERENCE = process.env.LOCALPIX_REFERENCE ?? join(ROOT, 'target/debug/examples/reference');

function nativeAndWasm(path, resize) {
  const dir = scratchDir('localpix-');
  const out = join(dir, 'native.png');
  execFileSync(REFERENCE, [path, resize, 'png', out]);
  const [kind, a, b] = resize.split(':').map((s, i) => (i ? Number(s) : s));
  const mode = kind === 'fit' ? fit(a, b) : { tag: 'fit-width', val: a };
  const wasm = imaging.process(new Uint8Array(readFileSync(path)), options({ mode, format: 'png' }));
  return [decodePng(readFileSync(out)), decodePng(wasm.bytes)];
}

function assertSameResize(path, resize, channels) {
  const [native, wasm] = nativeAndWasm(path, resize);
  assert.equal(wasm.channels, channels);
  const { max, differing } = compareImages(native, wasm);
  assert.ok(max <= 1, `wasm differs from native by up to ${max} (${differing} samples)`);
}

// The engine's own PNG decoder (core-component/src/decode/png.rs) undoes Paeth rows with simd128,
// RGBA rows two at a time: every filter type, in runs and alone, at widths that leave a remainder,
// must give exactly what this file's independent reader gives.
test('every PNG filter type decodes exactly, in grey, grey and alpha, RGB and RGBA', () => {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  // Runs of Paeth (pairs and a row left over), then each other type, then Paeth again.
  const filters = [4, 4, 4, 1, 4, 4, 2, 3, 0, 4, 4, 4, 4, 3, 1];
  for (const channels of [1, 2, 3, 4]) {
    for (const width of [1, 2, 37, 1283]) {
      const height = filters.length;
      const filtered = Uint8Array.from({ length: width * height * channels }, random);
      const png = encodeFilteredPng(width, height, channels, filtered, (y) => filters[y]);
      const expected = decodePng(png);
      // Written again by the engine, never the input given back; `fast` writes no palette.
      const o = options({ mode: none, format: 'png' });
      o.encode.keepSmallerOriginal = false;
      o.encode.encoding.effort = 'fast';
      const output = imaging.process(png, o);
      assert.equal(output.keptOriginal, false);
      const out = decodePng(output.bytes);
      assert.equal(out.channels, channels, `${channels} channels, ${width} wide`);
      assert.ok(Buffer.from(out.pixels).equals(Buffer.from(expected.pixels)), `${channels} channels, ${width} wide: pixels differ`);
    }
  }
});

test('wasm resizes RGB as native does (±1)', () => assertSameResize(fixturePath('palette.png'), 'width:237', 3));
// Resized as RGBA; written as RGB, as the result is opaque (its one pixel of alpha 254 averages away).
test('wasm resizes RGBA as native does (±1)', () => assertSameResize(fixturePath('alpha-640x360.png'), 'width:237', 3));
test('wasm resizes a 16 MP RGB photo as native does (±1)', needsCorpus('adwaita-4096x4096.webp'), () =>
  assertSameResize(corpusPath('adwaita-4096x4096.webp'), 'fit:1920:1920', 3));
test('wasm resizes a 15 MP RGBA image as native does (±1)', needsCorpus('patak-5120x2880-rgba.png'), () =>
  assertSameResize(corpusPath('patak-5120x2880-rgba.png'), 'width:1280', 4));

/** The whole job (decode, resize, PNG) in wasm gives exactly the native build's samples. */
function assertExactJob(path, resize) {
  const [native, wasm] = nativeAndWasm(path, resize);
  const { max, differing } = compareImages(native, wasm);
  assert.ok(max === 0, `up to ${max} in ${differing} samples`);
}

// localpix-jpeg's simd128 paths give exactly the scalar code's samples, and this resize (RGB,
// Lanczos3) rounds the same in both builds: the whole job is identical to the byte.
test('a 20 MP JPEG gives exactly the native result', needsCorpus('kleiber-6028x3391.jpg'), () =>
  assertExactJob(corpusPath('kleiber-6028x3391.jpg'), 'fit:1920:1920'));
// Progressive scans (crates/localpix-jpeg/src/progressive.rs) too, at full size and reduced.
test('a progressive JPEG decodes exactly as natively', () => assertExactJob(fixturePath('progressive.jpg'), 'fit:640:640'));
test('a progressive 15 MP JPEG decodes reduced exactly as natively', needsCorpus('volna-5120x2880.jpg'), () =>
  assertExactJob(corpusPath('volna-5120x2880.jpg'), 'width:1280'));

test('kleiber, 20 MP, becomes a 1920 px JPEG of at most 165 KB', needsCorpus('kleiber-6028x3391.jpg'), () => {
  const out = imaging.process(corpus('kleiber-6028x3391.jpg'), options({ mode: fit(1920, 1920), format: 'jpeg' }));
  assert.deepEqual(out.dimensions, { width: 1920, height: 1080 });
  assert.ok(out.bytes.length <= 165000, `${out.bytes.length} bytes`);
});
