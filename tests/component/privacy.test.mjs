// The privacy promise, checked by a reader that is not ours: exiftool (Debian
// libimage-exiftool-perl, installed by `make test`) reads the privacy fixtures and every output the
// component makes of them. Each fixture carries every kind of personal metadata its format can
// hold (tests/fixtures/make-private.py); every personal text value in it contains "PRIVATE".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { contains, fixture, fixturePath, scratchDir } from '../support/files.mjs';

const FIXTURES = ['private-all.jpg', 'private-text.png', 'private-meta.webp', 'private-meta.tiff', 'private-comment.gif', 'private-meta.jxl'];
const FORMATS = ['jpeg', 'png', 'webp', 'webp-lossless'];
const POLICIES = ['strip-all', 'keep-color-profile', 'keep-safe'];
const scratch = scratchDir('localpix-privacy-');

/** Every tag exiftool finds, as { 'Group:Tag': value }, duplicates included (-a). */
function exiftool(path) {
  const json = execFileSync('exiftool', ['-j', '-a', '-G1', '-struct', path], { encoding: 'utf8' });
  return JSON.parse(json)[0];
}

/** The personal values exiftool sees, by their PRIVATE-… token. */
function personalTokens(tags) {
  return new Set(JSON.stringify(tags).match(/PRIVATE[-0-9A-Z]*/g) ?? []);
}

// Groups that only ever hold what keep-safe removes, whatever their values.
const PRIVATE_GROUPS = /^(GPS|IFD1|MakerNotes|MPF0|MPImage\d+|JUMBF|JSON|IPTC|Photoshop|XMP(-.*)?|Trailer)$/;

test('exiftool agrees that the fixtures carry every kind of personal metadata', () => {
  const all = exiftool(fixturePath('private-all.jpg'));
  const groups = new Set(Object.keys(all).map((k) => k.split(':')[0]));
  for (const group of ['GPS', 'IFD1', 'ExifIFD', 'XMP-dc', 'XMP-iptcCore', 'IPTC', 'MPImage2', 'JUMBF']) {
    assert.ok(groups.has(group), `private-all.jpg lacks ${group}: ${[...groups]}`);
  }
  assert.ok('ExifIFD:MakerNoteUnknownText' in all, 'a maker note');
  assert.ok(personalTokens(all).size >= 50, `only ${personalTokens(all).size} personal values`);
  const png = exiftool(fixturePath('private-text.png'));
  for (const tag of ['PNG:Author', 'PNG:Comment', 'PNG:Description', 'PNG:Disclaimer', 'XMP-dc:Creator', 'GPS:GPSLatitude']) {
    assert.ok(tag in png, `private-text.png lacks ${tag}`);
  }
});

test('probe flags every personal value exiftool finds, and GPS, maker notes, thumbnails and extra data', () => {
  for (const name of FIXTURES) {
    const tags = exiftool(fixturePath(name));
    // A C2PA manifest is reported as a whole (its claims are CBOR inside JUMBF boxes).
    const fieldByField = Object.fromEntries(Object.entries(tags).filter(([key]) => !/^(JUMBF|JSON):/.test(key)));
    const info = imaging.probe(fixture(name));
    const flagged = info.metadata.filter((f) => f.sensitive);
    const flaggedText = JSON.stringify(flagged.map((f) => f.value));
    const missed = [...personalTokens(fieldByField)].filter((token) => !flaggedText.includes(token));
    assert.deepEqual(missed, [], `${name}: probe did not flag these personal values`);
    const unflagged = info.metadata.filter((f) => !f.sensitive && f.value.includes('PRIVATE'));
    assert.deepEqual(unflagged, [], `${name}: personal values reported as harmless`);
    const has = (kind, group) => flagged.some((f) => f.sensitive === kind && (!group || f.group === group));
    if (Object.keys(tags).some((k) => k.startsWith('GPS:'))) assert.ok(has('location', 'gps'), `${name}: GPS not flagged`);
    if (Object.keys(tags).some((k) => k.startsWith('JUMBF:'))) assert.ok(has('hidden-content', 'extra-data'), `${name}: C2PA not flagged`);
  }
  const info = imaging.probe(fixture('private-all.jpg'));
  const named = (name) => info.metadata.find((f) => f.name === name);
  assert.equal(named('MakerNote')?.sensitive, 'hidden-content');
  assert.equal(named('EXIF thumbnail')?.group, 'thumbnail');
  assert.equal(named('MPF image 2')?.group, 'extra-data');
  assert.match(named('Data after the image')?.value ?? '', /video/);
  assert.match(named('C2PA manifest')?.value ?? '', /Content Credentials/);
  assert.equal(named('GPSLatitude')?.value, '48° 51′ 29.88″ N', 'the hemisphere is read from GPSLatitudeRef');
});

const CAMERA = ['IFD0:Make', 'IFD0:Model', 'ExifIFD:LensModel', 'ExifIFD:ExposureTime', 'ExifIFD:FNumber', 'ExifIFD:ISO', 'ExifIFD:DateTimeOriginal'];

/** Reads `out` back with exiftool: nothing personal, and the camera details only with keep-safe. */
function assertClean(out, name, policy, context) {
  assert.ok(!contains(out.bytes, 'PRIVATE'), `${context}: personal text in the bytes`);
  const path = join(scratch, `${name}-${policy}.${out.format === 'jpeg' ? 'jpg' : out.format}`);
  writeFileSync(path, out.bytes);
  const tags = exiftool(path);
  assert.deepEqual([...personalTokens(tags)], [], `${context}: exiftool reads personal values`);
  const leaked = Object.keys(tags).filter((key) => PRIVATE_GROUPS.test(key.split(':')[0]));
  assert.deepEqual(leaked, [], `${context}: exiftool finds private tags`);
  const textChunks = Object.keys(tags).filter((key) => /^PNG:(Author|Comment|Description|Title|Copyright|Disclaimer|Artist)$/.test(key));
  assert.deepEqual(textChunks, [], `${context}: text chunks kept`);
  assert.equal(tags['File:Comment'], undefined, `${context}: a comment kept`);
  assert.equal(tags['ExifTool:Warning'], undefined, `${context}: exiftool finds the output damaged`);
  const kept = CAMERA.filter((tag) => tag in tags);
  if (policy === 'keep-safe' && name !== 'private-comment.gif') {
    assert.deepEqual(kept, CAMERA, `${context}: camera details not kept`);
    assert.equal(tags['IFD0:Software'], undefined, `${context}: only camera details are kept`);
  } else {
    assert.deepEqual(kept, [], `${context}: camera details kept`);
  }
}

test('no policy lets a personal value through, read back by exiftool; keep-safe keeps the camera details', () => {
  for (const name of FIXTURES) {
    for (const format of FORMATS) {
      for (const policy of POLICIES) {
        const options = imaging.defaultOptions();
        options.resize.mode = { tag: 'fit-width', val: 96 };
        options.encode.encoding.format = format;
        options.encode.metadata = policy;
        assertClean(imaging.process(fixture(name), options), name, policy, `${name} as ${format} with ${policy}`);
      }
    }
  }
});

test('an original kept because re-encoding made it larger is as clean as a re-encode', () => {
  for (const name of ['private-all.jpg', 'private-text.png', 'private-meta.webp']) {
    for (const policy of POLICIES) {
      const options = imaging.defaultOptions();
      options.resize.mode = { tag: 'none' };
      options.encode.encoding.quality = { tag: 'fixed', val: 100 };
      options.encode.encoding.png.paletteColors = undefined;
      options.encode.metadata = policy;
      const out = imaging.process(fixture(name), options);
      const context = `${name} kept with ${policy}`;
      assert.ok(out.keptOriginal, `${context}: the re-encode was not larger (${out.bytes.length} bytes)`);
      assertClean(out, name, policy, context);
    }
  }
});