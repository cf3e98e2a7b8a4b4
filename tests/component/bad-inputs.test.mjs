// Each kind of bad input a user brings, through the component as the app runs it (default
// options, as a drop on the page does): what the user is told, and how long it took. The table
// in docs/reliability.md is this test's output (`node --test tests/component/bad-inputs.test.mjs`
// prints each row); a changed message or a slow answer fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

import { imaging } from '../../target/component/node/localpix_core.js';
import { ROOT, fixture } from '../support/files.mjs';

const conformance = (path) => new Uint8Array(readFileSync(join(ROOT, 'tests/conformance', path)));

/** A PNG of `width`×`height` 8-bit grey pixels, all 0, or only its header (no pixel data). */
function greyPng(width, height, { headerOnly = false } = {}) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth; colour type 0 (grey), deflate, no filter, not interlaced
  const rows = headerOnly ? Buffer.alloc(0) : deflateSync(Buffer.alloc((width + 1) * height), { level: 9 });
  return new Uint8Array(
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]),
  );
}

/** `bytes` with `count` bytes from `at` (a fraction of the length) set to 0x55 (not a marker). */
function overwritten(bytes, at, count) {
  const copy = bytes.slice();
  copy.fill(0x55, Math.floor(copy.length * at), Math.floor(copy.length * at) + count);
  return copy;
}

const truncated = (bytes, fraction) => bytes.slice(0, Math.floor(bytes.length * fraction));
const INCOMPLETE = /^The (JPEG|PNG|HEIC) data ends early: the file is incomplete \(an interrupted download or copy\?\)\.$/;
const text = (s) => new Uint8Array(Buffer.from(s, 'latin1'));

/** [kind, input, what the user sees: an error tag and its message, or 'output'] */
const CASES = [
  ['corrupt: PNG with 64 bytes of its pixel data overwritten', overwritten(fixture('alpha-640x360.png'), 0.5, 64), 'malformed-input', /^The PNG data is damaged/],
  ['corrupt: JPEG with 64 bytes of its entropy data overwritten', overwritten(fixture('photo-640x400.jpg'), 0.5, 64), 'output'],
  ['truncated: PNG cut at half', truncated(fixture('alpha-640x360.png'), 0.5), 'malformed-input', INCOMPLETE],
  ['truncated: JPEG cut at half', truncated(fixture('photo-640x400.jpg'), 0.5), 'malformed-input', INCOMPLETE],
  ['truncated: 10 bytes of a JPEG', truncated(fixture('photo-640x400.jpg'), 10 / fixture('photo-640x400.jpg').length), 'malformed-input', INCOMPLETE],
  ['renamed: a PNG named .jpg', fixture('alpha-640x360.png'), 'output'],
  ['renamed: a text file named .jpg', text('Dear Jane,\nthe photos are attached.\n'), 'unsupported-format', /^This is not an image localpix can read/],
  ['renamed: a PDF named .jpg', text('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), 'unsupported-format', /^This is a PDF document, which localpix cannot read yet\. Export it as JPEG or PNG first\.$/],
  ['huge: PNG header claiming 100 000 × 100 000', greyPng(100_000, 100_000, { headerOnly: true }), 'too-large', /^The image is 100000×100000 \(10000\.0 megapixels\), over the limit of 100\.0 megapixels\.$/],
  ['decompression bomb: 7 000 × 7 000 PNG, all zeros', greyPng(7_000, 7_000), 'output'],
  // The Node build is the full engine (the light one's codec-not-built: builds.test.mjs).
  ['truncated: an iPhone HEIC cut at half', truncated(fixture('iphonexs-two-images.heic'), 0.5), 'malformed-input', INCOMPLETE],
  ['unsupported: TIFF with a palette', conformance('libtiff-pics/jello.tif'), 'unsupported-format', /^This TIFF stores colours from a palette \(a colour map\), which localpix cannot read\. Save it as an 8- or 16-bit RGB or greyscale TIFF, or as PNG\.$/],
  ['unsupported: TIFF with CCITT fax compression', conformance('libtiff-pics/g3test.tif'), 'unsupported-format', /^This TIFF stores CCITT fax \(Group 3\) compression, which localpix cannot read\./],
  ['hostile: JPEG claiming 65 535 × 65 535', conformance('jpeg-decoder/crashtest/max_size.jpg'), 'too-large', /^The image is 65535×65535 \(4294\.8 megapixels\), over the limit of 100\.0 megapixels\.$/],
  ['hostile: JPEG whose Huffman tables overflow', conformance('jpeg-decoder/crashtest/derive-huffman-codes-overflow.jpg'), 'malformed-input', /^The JPEG data is damaged \(a Huffman table has more codes than its lengths allow\)\.$/],
  ['hostile: the fuzzer\'s resize crash (32×8 PNG cropped to cover 40×24)', readFileSync(join(ROOT, 'core-component/tests/fuzz-regressions/process-cover-crop-window-outside-buffer.bin')), 'output'],
];

// Each answer is milliseconds; the bomb is 49 megapixels decoded and resized (a few seconds).
const SLOW_MS = 15_000;

for (const [kind, bytes, expected, message] of CASES) {
  test(`${kind}: ${expected === 'output' ? 'an image' : expected}`, (t) => {
    const start = performance.now();
    let seen;
    try {
      const out = imaging.process(new Uint8Array(bytes), imaging.defaultOptions());
      seen = { tag: 'output', message: `${out.format} ${out.dimensions.width}×${out.dimensions.height}` };
    } catch (e) {
      assert.ok(e.payload, `not a typed error (a trap?): ${e}`);
      // too-large and codec-not-built carry a record with its message; the others the message alone.
      seen = { tag: e.payload.tag, message: typeof e.payload.val === 'object' ? e.payload.val.message : e.payload.val };
    }
    const ms = performance.now() - start;
    t.diagnostic(`| ${kind} | ${bytes.length} B | ${seen.tag}: ${seen.message} | ${ms.toFixed(ms < 10 ? 1 : 0)} ms |`);
    assert.equal(seen.tag, expected, seen.message);
    if (message) assert.match(seen.message, message);
    assert.ok(ms < SLOW_MS, `${ms.toFixed(0)} ms`);
  });
}
