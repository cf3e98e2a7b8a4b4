// JPEG XL input (tests/fixtures/make-jxl.sh: cjxl 0.7.0's lossy VarDCT, lossless with alpha and an
// ICC profile, 16 bits, an animation, JPEG recompressions with a codestream orientation and a
// Brotli-compressed EXIF box), read by the component and by libjxl's own decoder (Debian's `djxl`,
// libjxl-tools): the same upright size and the same pixels within rounding, the first frame of an
// animation, and the privacy promise kept exactly as for a JPEG from the same phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { fixture, fixturePath, scratchDir } from '../support/files.mjs';
import { decodePng } from '../support/png.mjs';
import { strippedUnderEveryPolicy } from '../support/stripped.mjs';

const dir = scratchDir('localpix-jxl-');
const DJXL = (() => {
  try {
    execFileSync('djxl', ['--version'], { stdio: 'ignore' });
    return {};
  } catch {
    return { skip: 'SKIPPED: djxl not installed (Debian: apt-get install libjxl-tools)' };
  }
})();

/** Reads a binary netpbm file (P6 from djxl's .ppm, P7 from its .pam) as 8-bit RGBA; 16-bit
 * samples are rounded to 8 as the engine rounds them (v × 255 / 65535, to nearest). */
function readNetpbm(bytes) {
  const text = bytes.subarray(0, 200).toString('latin1');
  let width, height, channels, headerEnd, maxval;
  if (text.startsWith('P7')) {
    const end = text.indexOf('ENDHDR\n') + 'ENDHDR\n'.length;
    const field = (name) => Number(new RegExp(`${name} (\\d+)`).exec(text)[1]);
    [width, height, channels, headerEnd, maxval] = [field('WIDTH'), field('HEIGHT'), field('DEPTH'), end, field('MAXVAL')];
  } else {
    const match = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(text);
    [width, height, channels, headerEnd, maxval] = [Number(match[1]), Number(match[2]), 3, match[0].length, Number(match[3])];
  }
  assert.ok(maxval === 255 || maxval === 65535, `maxval ${maxval}`);
  const raw = bytes.subarray(headerEnd);
  const samples = maxval === 255 ? raw : Uint8Array.from({ length: raw.length / 2 }, (_, i) => Math.floor((raw.readUInt16BE(i * 2) * 255 + 32767) / 65535));
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = samples[i * channels + c];
    rgba[i * 4 + 3] = channels === 4 ? samples[i * 4 + 3] : 255;
  }
  return { width, height, alpha: channels === 4, rgba };
}

/** libjxl's reading of a fixture at its own depth, upright; the first frame of an animation.
 * (djxl 0.7's --bits_per_sample=8 writes 16-bit samples under an 8-bit PPM header.) */
function djxl(name, alpha) {
  const out = join(dir, `${name}.${alpha ? 'pam' : 'ppm'}`);
  execFileSync('djxl', [fixturePath(name), out], { stdio: 'ignore' });
  // An animation is written one file per frame: name-0.pam, name-1.pam…
  let bytes;
  try {
    bytes = readFileSync(out);
  } catch {
    bytes = readFileSync(out.replace(/\.(pam|ppm)$/, '-0.$1'));
  }
  return readNetpbm(bytes);
}

/** The component's reading, unresized and with its colours as stored: RGBA samples. */
function ours(name) {
  const options = imaging.defaultOptions();
  options.resize.mode = { tag: 'none' };
  options.encode.encoding.format = 'png';
  options.encode.encoding.effort = 'fast';
  options.encode.encoding.png.paletteColors = undefined;
  options.encode.metadata = 'keep-color-profile';
  const png = decodePng(imaging.process(fixture(name), options).bytes);
  const rgba = new Uint8Array(png.width * png.height * 4);
  for (let i = 0; i < png.width * png.height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = png.pixels[i * png.channels + (png.channels <= 2 ? 0 : c)];
    rgba[i * 4 + 3] = png.channels === 4 ? png.pixels[i * 4 + 3] : png.channels === 2 ? png.pixels[i * 2 + 1] : 255;
  }
  return { width: png.width, height: png.height, rgba };
}

/** The largest difference of any sample in `channels`, and the mean. */
function compare(a, b, channels) {
  let max = 0;
  let total = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (const c of channels) {
      const d = Math.abs(a[i + c] - b[i + c]);
      max = Math.max(max, d);
      total += d;
    }
  }
  return { max, mean: total / ((a.length / 4) * channels.length) };
}

const CASES = [
  // name, upright size, alpha, bit depth, lossy, frames
  ['jxl-photo.jxl', [640, 400], false, 8, true, 1],
  ['jxl-alpha-lossless.jxl', [320, 180], true, 8, false, 1],
  ['jxl-rgb16.jxl', [128, 80], false, 16, false, 1],
  ['jxl-animated.jxl', [160, 100], true, 8, false, 2],
  ['jxl-orientation-5.jxl', [160, 100], false, 8, true, 1],
  ['jxl-phone-orient6-gps.jxl', [640, 400], false, 8, true, 1],
];

test('probe reads JPEG XL headers: upright size, alpha, bit depth, lossy or not, frames', () => {
  for (const [name, [width, height], alpha, bits, lossy, frames] of CASES) {
    const info = imaging.probe(fixture(name));
    assert.equal(info.format, 'jpeg-xl', name);
    assert.deepEqual(info.dimensions, { width, height }, name);
    assert.deepEqual([info.hasAlpha, info.bitDepth, info.lossy, info.frameCount], [alpha, bits, lossy, frames], name);
    // The codestream's orientation is applied by the decoder: nothing is left to turn.
    assert.equal(info.orientation, 'normal', name);
  }
});

test('JPEG XL decodes to djxl\'s pixels: lossy, lossless, 16-bit, alpha, first frame, oriented', DJXL, () => {
  for (const [name, , alpha, , lossy] of CASES) {
    const reference = djxl(name, alpha);
    const decoded = ours(name);
    assert.deepEqual([decoded.width, decoded.height], [reference.width, reference.height], name);
    const colours = compare(decoded.rgba, reference.rgba, [0, 1, 2]);
    // Lossless files: every sample within one level (the 16-bit one is rounded to 8 by each
    // decoder; measured: equal). Lossy: two float pipelines, within rounding (measured: at most
    // one level, on 0.3% of the photo's samples); a wrong turn, frame or colour space is tens.
    if (lossy) assert.ok(colours.mean < 0.05 && colours.max <= 2, `${name}: ${JSON.stringify(colours)} from djxl`);
    else assert.ok(colours.max <= 1, `${name}: ${JSON.stringify(colours)} from djxl`);
    if (alpha) assert.ok(compare(decoded.rgba, reference.rgba, [3]).max <= 1, `${name}: alpha differs`);
  }
});

test('a JPEG XL recompressed from a JPEG comes out like that JPEG, upright once', () => {
  for (const [jxl, jpeg] of [['jxl-orientation-5.jxl', 'orientation-1.jpg'], ['jxl-phone-orient6-gps.jxl', 'phone-orient6-gps.jpg']]) {
    const a = ours(jxl);
    const b = ours(jpeg);
    assert.deepEqual([a.width, a.height], [b.width, b.height], jxl);
    assert.ok(compare(a.rgba, b.rgba, [0, 1, 2]).mean < 8, `${jxl}: not the picture of ${jpeg} the same way up`);
  }
});

test('an animated JPEG XL gives its first frame as a PNG (lossless), and a lossy one a JPEG', DJXL, () => {
  const animated = imaging.process(fixture('jxl-animated.jxl'), imaging.defaultOptions());
  assert.equal(animated.format, 'png');
  // The first frame, not the second (djxl wrote one file per frame; the pixel test compares frame 0).
  djxl('jxl-animated.jxl', true);
  const second = readNetpbm(readFileSync(join(dir, 'jxl-animated.jxl-1.pam')));
  assert.ok(compare(ours('jxl-animated.jxl').rgba, second.rgba, [0, 1, 2, 3]).mean > 1, 'the frames are alike: the test cannot tell');
  assert.equal(imaging.process(fixture('jxl-photo.jxl'), imaging.defaultOptions()).format, 'jpeg');
});

test('the phone\'s JPEG XL (Brotli-compressed EXIF): GPS flagged, and removed as from a JPEG', () => {
  const name = 'jxl-phone-orient6-gps.jxl';
  const info = imaging.probe(fixture(name));
  const flagged = info.metadata.filter((f) => f.sensitive);
  assert.ok(flagged.some((f) => f.sensitive === 'location' && f.group === 'gps'), JSON.stringify(info.metadata));
  assert.ok(info.metadata.some((f) => f.value.includes('SN-0042-PRIVATE')), 'the serial number is read from the brob box');
  const phone = { what: 'a lossy JPEG XL', dimensions: { width: 640, height: 400 }, secrets: ['SN-0042-PRIVATE', 'Jane Example'] };
  for (const { policy, out } of strippedUnderEveryPolicy(imaging, fixture(name), phone)) {
    if (policy === 'keep-safe') assert.ok(imaging.probe(out.bytes).metadata.some((f) => f.name === 'Model'), 'keep-safe keeps the camera');
  }
});
