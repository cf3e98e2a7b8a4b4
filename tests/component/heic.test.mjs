// HEIC input as iPhones write it, read by the component and by libheif (pillow-heif, in
// target/venv-test): the same primary image, size and pixels within rounding, and the privacy
// promise kept exactly as for a JPEG from the same phone. Real phone files (tests/fixtures/README.md:
// an iPhone 13 Pro's 8×6 grid with GPS, Display P3, a depth map and an HDR gain map; an iPhone 8
// Plus's `irot` turn with EXIF Orientation 6; an iPhone XS's file of two pictures) and made ones
// (tests/fixtures/make-heic.py: the private fields of phone-orient6-gps.jpg in a grid; alpha).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { contains, fixture, fixturePath, ROOT, scratchDir } from '../support/files.mjs';
import { decodePng } from '../support/png.mjs';
import { exiftool, strippedUnderEveryPolicy } from '../support/stripped.mjs';

const PYTHON = join(ROOT, 'target/venv-test/bin/python');
// The Node build is the full engine, which reads HEIC (the light one refuses it with
// `codec-not-built`: tests/component/builds.test.mjs).
const HEIC = {};
const dir = scratchDir('localpix-heic-');

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

/** The real phone files and what libheif makes of them, with how many pictures each holds. */
const PHONES = [
  ['iphone13pro-grid-gps-gainmap.heic', 1],
  ['iphone8plus-irot-orient6.heic', 1],
  ['iphonexs-two-images.heic', 2],
  // Three pictures, the primary (grayscale) second: libheif's choice, not the first.
  ['heic-primary-second.heic', 3],
];

test('HEIC decodes to libheif\'s size and pixels, grid, turn and alpha included', HEIC, () => {
  for (const name of ['heic-grid-gps-orient6.heic', 'heic-alpha.heic', ...PHONES.map(([phone]) => phone)]) {
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
  const phone = { what: 'a HEIC photo', dimensions: { width: 640, height: 400 }, secrets: ['SN-0042-PRIVATE', 'Jane Example'] };
  for (const { policy, out } of strippedUnderEveryPolicy(imaging, fixture(name), phone)) {
    const back = imaging.probe(out.bytes);
    assert.ok(back.metadata.every((f) => !f.sensitive), `${policy}: ${JSON.stringify(back.metadata)}`);
    if (policy === 'keep-safe') assert.ok(back.metadata.some((f) => f.name === 'Model'), 'keep-safe keeps the camera');
  }
});

test('the primary image is the one read, whatever else the file holds', HEIC, () => {
  for (const [name, pictures] of PHONES) {
    const info = imaging.probe(fixture(name));
    assert.equal(info.frameCount, pictures, name);
    const others = info.metadata.filter((f) => f.name.startsWith('Other image'));
    assert.equal(others.length, pictures - 1, `${name}: ${JSON.stringify(others)}`);
    assert.ok(others.every((f) => f.group === 'extra-data' && f.sensitive === 'hidden-content'), name);
  }
  // The iPhone XS's second picture (932×1044) is not the primary one (1025×900).
  assert.match(imaging.probe(fixture('iphonexs-two-images.heic')).metadata.find((f) => f.name === 'Other image 1').value, /932×1044/);
  // The grayscale primary: equal grey samples, where the first picture in the file is in colour.
  const grey = ours('heic-primary-second.heic').rgba;
  assert.ok(grey.every((v, i) => i % 4 === 3 || v === grey[i - (i % 4)]), 'not the grayscale primary');
});

test('an iPhone 13 Pro photo: its grid, Display P3, GPS, depth map and HDR gain map', HEIC, () => {
  const name = 'iphone13pro-grid-gps-gainmap.heic';
  const input = fixture(name);
  const info = imaging.probe(input);
  assert.deepEqual(info.dimensions, { width: 4032, height: 3024 });
  assert.equal(info.orientation, 'normal');
  assert.equal(info.colorProfile?.description, 'Display P3');
  assert.ok(info.metadata.some((f) => f.name === 'Model' && f.value.includes('iPhone 13 Pro')));
  assert.ok(info.metadata.some((f) => f.group === 'gps' && f.name === 'GPSLatitude' && f.sensitive === 'location'));
  // What no output carries, said in the report; the gain map's name is what the row's note looks for
  // (settings/src/notes.rs, HDR_GAIN_MAP_FIELD).
  const extra = Object.fromEntries(info.metadata.filter((f) => f.group === 'extra-data').map((f) => [f.name, f]));
  assert.match(extra['HDR gain map']?.value ?? '', /HDR gain map \(apple\), 2016×1512: not kept/);
  assert.match(extra['Depth map']?.value ?? '', /768×576/);
  for (const f of Object.values(extra)) assert.equal(f.sensitive, 'hidden-content', f.name);
  for (const policy of ['strip-all', 'keep-color-profile', 'keep-safe']) {
    const options = imaging.defaultOptions();
    options.encode.metadata = policy;
    const out = imaging.process(input, options);
    assert.equal(out.format, 'jpeg');
    const tags = exiftool(out.bytes, `iphone13-${policy}.jpg`);
    assert.deepEqual(Object.keys(tags).filter((k) => k.startsWith('GPS:') || k.startsWith('MPF')), [], `${policy}: GPS or extra images kept`);
    // Display P3 kept as the profile of the pixels, or the pixels converted to sRGB without one.
    const profile = tags['ICC-header:ProfileDescription'] ?? tags['ICC_Profile:ProfileDescription'];
    assert.equal(profile, policy === 'strip-all' ? undefined : 'Display P3', `${policy}: ${profile}`);
    if (policy === 'keep-safe') assert.equal(tags['IFD0:Model'], 'iPhone 13 Pro');
  }
});

test('an iPhone 8 Plus photo turned by `irot` and EXIF Orientation 6 is turned once', HEIC, () => {
  const name = 'iphone8plus-irot-orient6.heic';
  const info = imaging.probe(fixture(name));
  // Stored 4032×3024 (landscape sensor), shown upright as libheif shows it (the pixels are compared above).
  assert.deepEqual(info.dimensions, { width: 3024, height: 4032 });
  assert.equal(info.orientation, 'normal');
  const options = imaging.defaultOptions();
  options.encode.metadata = 'keep-safe';
  const out = imaging.process(fixture(name), options);
  assert.ok(out.dimensions.height > out.dimensions.width, JSON.stringify(out.dimensions));
  const tags = exiftool(out.bytes, 'iphone8.jpg');
  // An Orientation 6 left in the output would make viewers turn it a second time.
  assert.ok(!('IFD0:Orientation' in tags) || tags['IFD0:Orientation'] === 'Horizontal (normal)', tags['IFD0:Orientation']);
  assert.equal(tags['IFD0:Model'], 'iPhone 8 Plus');
});

test('a HEIC cut short says so as a cut JPEG does, naming the format', HEIC, () => {
  const whole = fixture('iphonexs-two-images.heic');
  // In the header, in the item boxes, and the last bytes of the picture data: an interrupted download.
  for (const length of [100, 4000, whole.length - 10]) {
    assert.throws(() => imaging.process(whole.slice(0, length), imaging.defaultOptions()), (e) => {
      assert.equal(e.payload?.tag, 'malformed-input', `${length}: ${e}`);
      assert.match(e.payload.val, /^The HEIC data ends early: the file is incomplete/);
      return true;
    });
  }
});
