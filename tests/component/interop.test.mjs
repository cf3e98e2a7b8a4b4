// Our outputs in decoders that are not ours: Pillow (libjpeg-turbo, libpng, libwebp, in
// target/venv-test, installed by `make test`) reads every format, effort and metadata policy the
// component writes of the fixtures, and must see the same pixels the component itself reads
// back, within rounding for JPEG and lossy WebP and exactly for the lossless formats. The native tests
// (core-component/src/encode/interop_tests.rs) do the same with the image crate (zune-jpeg, png,
// image-webp) and jpeg-decoder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { fixture, ROOT, scratchDir } from '../support/files.mjs';
import { decodePng } from '../support/png.mjs';

const PYTHON = join(ROOT, 'target/venv-test/bin/python');
const FIXTURES = ['photo-640x400.jpg', 'phone-orient6-gps.jpg', 'adobergb-icc.jpg', 'cmyk.jpg', 'alpha-640x360.png', 'palette.png', 'gray16.png', 'small.bmp', 'animated.gif'];
const FORMATS = { jpeg: 'jpg', png: 'png', webp: 'webp', 'webp-lossless': 'webp' };
const EFFORTS = ['fast', 'balanced', 'smallest'];
const POLICIES = ['strip-all', 'keep-color-profile', 'keep-safe'];

/** RGB samples of an output as the component reads it back (transparency on white). */
function ourReading(bytes) {
  const options = imaging.defaultOptions();
  options.resize.mode = { tag: 'none' };
  options.encode.encoding.format = 'png';
  options.encode.encoding.effort = 'fast'; // direct colour, no palette: what decodePng reads
  options.encode.metadata = 'keep-color-profile'; // the pixels as they are
  options.encode.keepSmallerOriginal = false; // always our own direct-colour PNG
  const png = decodePng(imaging.process(bytes, options).bytes);
  const rgb = new Uint8Array(png.width * png.height * 3);
  const { channels, pixels } = png;
  for (let i = 0; i < png.width * png.height; i++) {
    const alpha = channels === 4 || channels === 2 ? pixels[i * channels + channels - 1] : 255;
    for (let c = 0; c < 3; c++) {
      const v = pixels[i * channels + (channels >= 3 ? c : 0)];
      rgb[i * 3 + c] = Math.floor((v * alpha + 255 * (255 - alpha)) / 255);
    }
  }
  return { width: png.width, height: png.height, rgb };
}

test('Pillow (libjpeg-turbo, libpng, libwebp) reads every output as the component does', () => {
  const dir = scratchDir('localpix-interop-');
  const outputs = [];
  let n = 0;
  for (const name of FIXTURES) {
    for (const [format, extension] of Object.entries(FORMATS)) {
      for (const effort of EFFORTS) {
        const options = imaging.defaultOptions();
        options.resize.mode = { tag: 'fit-width', val: 320 };
        options.encode.encoding.format = format;
        options.encode.encoding.effort = effort;
        options.encode.metadata = POLICIES[n % 3];
        const { bytes } = imaging.process(fixture(name), options);
        const path = join(dir, `${n++}-${name}-${effort}-${options.encode.metadata}.${extension}`);
        writeFileSync(path, bytes);
        outputs.push({ path, bytes, format, context: `${name} as ${format} at ${effort} with ${options.encode.metadata}` });
      }
    }
  }
  const lines = execFileSync(PYTHON, [join(ROOT, 'tests/support/pillow_decode.py'), ...outputs.map((o) => o.path)], { encoding: 'utf8' });
  const read = new Map(lines.trim().split('\n').map((line) => JSON.parse(line)).map((r) => [r.path, r]));
  for (const output of outputs) {
    const pillow = read.get(output.path);
    const ours = ourReading(output.bytes);
    assert.deepEqual([pillow.width, pillow.height], [ours.width, ours.height], output.context);
    const theirs = readFileSync(`${output.path}.rgb`);
    let total = 0;
    for (let i = 0; i < theirs.length; i++) total += Math.abs(theirs[i] - ours.rgb[i]);
    const diff = total / theirs.length;
    // Two JPEG or lossy WebP decoders differ by rounding (IDCT, chroma upsampling); lossless ones
    // not at all.
    const allowed = output.format === 'jpeg' || output.format === 'webp' ? 1.5 : 0;
    assert.ok(diff <= allowed, `${output.context}: Pillow reads it ${diff.toFixed(2)} levels away from the component`);
  }
  assert.ok(outputs.length >= 108, `${outputs.length} outputs`);
});
