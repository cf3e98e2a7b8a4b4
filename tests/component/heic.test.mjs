// HEIC input as iPhones write it (tests/fixtures/make-heic.py: a grid of tiles, an `irot` turn,
// EXIF with GPS and Orientation 6, an ICC profile, a thumbnail; and a file with alpha), read by
// the component and by libheif (pillow-heif, in target/venv-test): the same size, the same pixels
// within rounding, and the privacy promise kept exactly as for a JPEG from the same phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { ROOT, contains, fixture, fixturePath } from '../support/files.mjs';
import { decodePng } from '../support/png.mjs';

const PYTHON = join(ROOT, 'target/venv-test/bin/python');
// The Node build is the full engine, which reads HEIC (the light one refuses it with
// `codec-not-built`: tests/component/builds.test.mjs).
const HEIC = {};
const dir = mkdtempSync(join(tmpdir(), 'localpix-heic-'));

/** libheif's reading of a fixture: size, alpha and RGBA samples. */
function libheif(name) {
  const path = join(dir, name);
  copyFileSync(fixturePath(name), path);
  const [line] = execFileSync(PYTHON, [join(ROOT, 'tests/support/heif_decode.py'), path], { encoding: 'utf8' }).trim().split('\n');
  return { ...JSON.parse(line), rgba: readFileSync(`${path}.rgba`) };
}

/** The component's reading, unresized and with its colours as stored: RGBA samples. */
function ours(name) {
  const options = imaging.defaultOptions();
  options.resize.mode = { tag: 'none' };
  options.encode.encoding.format = 'png';
  options.encode.encoding.effort = 'fast';
  options.encode.metadata = 'keep-color-profile';
  const png = decodePng(imaging.process(fixture(name), options).bytes);
  const rgba = new Uint8Array(png.width * png.height * 4);
  for (let i = 0; i < png.width * png.height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = png.pixels[i * png.channels + c];
    rgba[i * 4 + 3] = png.channels === 4 ? png.pixels[i * 4 + 3] : 255;
  }
  return { width: png.width, height: png.height, rgba };
}

function meanDiff(a, b, channels) {
  let total = 0;
  for (let i = 0; i < a.length; i += 4) for (const c of channels) total += Math.abs(a[i + c] - b[i + c]);
  return total / ((a.length / 4) * channels.length);
}

test('HEIC decodes to libheif\'s size and pixels, grid, turn and alpha included', HEIC, () => {
  for (const name of ['heic-grid-gps-orient6.heic', 'heic-alpha.heic']) {
    const reference = libheif(name);
    const info = imaging.probe(fixture(name));
    assert.equal(info.format, 'heic', name);
    assert.deepEqual(info.dimensions, { width: reference.width, height: reference.height }, `${name}: probe`);
    assert.equal(info.hasAlpha, reference.alpha, `${name}: alpha`);
    assert.equal(info.lossy, true);
    const decoded = ours(name);
    assert.deepEqual([decoded.width, decoded.height], [reference.width, reference.height], name);
    // Two HEVC decoders and their YUV→RGB conversions: within rounding (a wrong turn or tile is 40+).
    const colours = meanDiff(decoded.rgba, reference.rgba, [0, 1, 2]);
    assert.ok(colours < 1.5, `${name}: ${colours.toFixed(2)} levels from libheif`);
    assert.ok(meanDiff(decoded.rgba, reference.rgba, [3]) < 1, `${name}: alpha differs`);
  }
});

test('the iPhone-like HEIC is upright, and its GPS is flagged and removed as from a JPEG', HEIC, () => {
  const name = 'heic-grid-gps-orient6.heic';
  const info = imaging.probe(fixture(name));
  // libheif turned the stored 400×640 with `irot`; EXIF says 6 as well, which must not turn it twice.
  assert.deepEqual(info.dimensions, { width: 640, height: 400 });
  assert.equal(info.orientation, 'normal');
  const flagged = info.metadata.filter((f) => f.sensitive);
  assert.ok(flagged.some((f) => f.sensitive === 'location'), JSON.stringify(info.metadata));
  assert.ok(contains(fixture(name), 'SN-0042-PRIVATE'), 'the fixture carries the serial number');
  // Looks like the JPEG it was made from, once both are upright.
  const jpeg = ours('phone-orient6-gps.jpg');
  assert.ok(meanDiff(ours(name).rgba, jpeg.rgba, [0, 1, 2]) < 8, 'not the same picture the same way up');
  for (const policy of ['strip-all', 'keep-color-profile', 'keep-safe']) {
    const options = imaging.defaultOptions();
    options.encode.metadata = policy;
    const out = imaging.process(fixture(name), options);
    assert.equal(out.format, 'jpeg', 'a HEIC photo becomes a JPEG by default');
    assert.deepEqual(out.dimensions, { width: 640, height: 400 });
    for (const secret of ['SN-0042-PRIVATE', 'Jane Example']) assert.ok(!contains(out.bytes, secret), `${policy}: ${secret} kept`);
    const path = join(dir, `out-${policy}.jpg`);
    writeFileSync(path, out.bytes);
    const tags = JSON.parse(execFileSync('exiftool', ['-j', '-a', '-G1', path], { encoding: 'utf8' }))[0];
    const gps = Object.keys(tags).filter((k) => k.startsWith('GPS:'));
    assert.deepEqual(gps, [], `${policy}: exiftool finds GPS`);
    assert.ok(!('IFD0:Orientation' in tags) || tags['IFD0:Orientation'] === 'Horizontal (normal)', `${policy}: turned twice`);
    const back = imaging.probe(out.bytes);
    assert.ok(back.metadata.every((f) => !f.sensitive), `${policy}: ${JSON.stringify(back.metadata)}`);
    if (policy === 'keep-safe') assert.ok(back.metadata.some((f) => f.name === 'Model'), 'keep-safe keeps the camera');
  }
});
