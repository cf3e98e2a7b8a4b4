// The formats' conformance suites (tests/conformance, credited in its README) through the
// component as the app runs it: every file must either decode to the pixels Pillow (libpng,
// libjpeg-turbo, libwebp, libtiff and its own BMP reader) gives, within rounding, or be refused
// with a typed error and a sentence a person can read. A trap, a hang or a wrong picture fails.
// The counts per suite are printed, and they and each file's outcome written to
// target/conformance-counts.json, for docs/reliability.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { ROOT, scratchDir } from '../support/files.mjs';

const SUITES = join(ROOT, 'tests/conformance');
const PYTHON = join(ROOT, 'target/venv-test/bin/python');
// Two decoders of the same file differ by rounding: IDCT and chroma upsampling for JPEG, 16- to
// 8-bit and CMYK conversion for TIFF. A wrong picture differs by tens of levels.
const ROUNDING = 2;
// A file that takes longer than this has found a hang (each takes milliseconds).
const SLOW_MS = 5000;

/**
 * Files whose pixels legitimately differ from Pillow's, each with the reason. The test fails if
 * one of them comes to agree (the entry is stale) or another one starts to differ.
 */
const KNOWN_DIFFERENCES = {
  // bmpsuite's "q" files are the ones its author calls questionable: the format does not say
  // what they should look like. RLE skips leave pixels undefined: Pillow paints them with colour
  // 0 of the palette, we leave them black.
  'bmpsuite/q/pal4rletrns.bmp': 'RLE skips: undefined pixels',
  'bmpsuite/q/pal8rletrns.bmp': 'RLE skips: undefined pixels',
  // A 16-bit BMP with a 1-bit alpha mask in a BITMAPV4 header: Pillow ignores the mask.
  'bmpsuite/q/rgba16-5551.bmp': 'alpha mask Pillow ignores',
  // A deliberately corrupt JPEG (its DC predictor overflows): any picture is a guess.
  'jpeg-decoder/crashtest/dc-predictor-overflow.jpg': 'corrupt data, decoders guess differently',
  // Pillow compares the 4-bit tRNS grey (15) with samples it has scaled to 8 bits (255), so no
  // pixel matches and nothing is transparent; PngSuite says white is (464 pixels here).
  'pngsuite/tbbn0g04.png': "Pillow misses 4-bit grey transparency",
};

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return /readme|licen[cs]e|copyright|copying|\.(md|txt)$/i.test(name) ? [] : [path];
  });
}

/** The component's decode of `bytes` as it is (no resize, no colour conversion), as PNG. */
function decode(bytes) {
  const options = imaging.defaultOptions();
  options.resize.mode = { tag: 'none' };
  options.encode.encoding.format = 'png';
  options.encode.encoding.effort = 'fast';
  options.encode.metadata = 'keep-color-profile';
  // Always our own decode, re-encoded: the original handed back would compare Pillow with itself.
  options.encode.keepSmallerOriginal = false;
  return imaging.process(bytes, options);
}

test('every file of the conformance suites decodes as Pillow does or is refused clearly', (t) => {
  const dir = scratchDir('localpix-conformance-');
  const files = filesUnder(SUITES).sort();
  assert.ok(files.length > 700, `only ${files.length} files in ${SUITES}`);
  const failures = [];
  const results = files.map((path, n) => {
    const name = relative(SUITES, path);
    const start = performance.now();
    let output = null;
    let refusal = null;
    try {
      const { bytes } = decode(new Uint8Array(readFileSync(path)));
      output = join(dir, `${n}.png`);
      writeFileSync(output, bytes);
    } catch (e) {
      if (!e.payload) failures.push(`${name}: not a typed error (a trap?): ${e}`);
      refusal = e.payload;
    }
    const ms = performance.now() - start;
    if (ms > SLOW_MS) failures.push(`${name}: took ${ms.toFixed(0)} ms`);
    if (refusal) {
      const message = refusal.tag === 'too-large' ? refusal.val.message : refusal.val;
      // A sentence for people: capitalised, finished, long enough to say what is wrong.
      if (typeof message !== 'string' || !/^[A-Z].{20,}[.)]$/s.test(message)) {
        failures.push(`${name}: unclear refusal ${JSON.stringify(refusal)}`);
      }
    }
    return { name, suite: name.split('/')[0], source: path, output, refusal };
  });

  const requests = results.map(({ source, output }) => JSON.stringify({ source, output })).join('\n');
  const pillow = spawnSync(PYTHON, [join(ROOT, 'tests/support/conformance_compare.py')], { input: requests, encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(pillow.status, 0, pillow.stderr);
  const compared = new Map(pillow.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((r) => [r.source, r]));

  const counts = {};
  const perFile = [];
  for (const r of results) {
    const c = compared.get(r.source);
    let kind;
    if (r.refusal) kind = 'refused';
    else if (c.pillow !== 'ok') kind = 'decodedPillowRefuses';
    else if (JSON.stringify(c.size) !== JSON.stringify(c.pillowSize)) kind = 'mismatched';
    else kind = c.maxColour <= ROUNDING && c.maxAlpha <= ROUNDING ? 'equal' : 'mismatched';
    if (kind === 'mismatched' && !KNOWN_DIFFERENCES[r.name]) {
      failures.push(`${r.name}: decoded ${JSON.stringify(c.size)}, Pillow ${JSON.stringify(c.pillowSize)}, colour up to ${c.maxColour} (mean ${c.meanColour}), alpha up to ${c.maxAlpha}, ${c.over1} pixels off by more than 1`);
    }
    if (kind !== 'mismatched' && KNOWN_DIFFERENCES[r.name]) failures.push(`${r.name}: listed as differing but is ${kind}`);
    perFile.push({ file: r.name, kind, refusal: r.refusal ?? undefined, ...(kind === 'refused' ? { pillow: c.pillow } : {}), ...(kind === 'mismatched' || kind === 'equal' ? { maxColour: c.maxColour, maxAlpha: c.maxAlpha } : {}) });
    counts[r.suite] ??= { files: 0, equal: 0, refused: 0, decodedPillowRefuses: 0, mismatched: 0 };
    counts[r.suite].files++;
    counts[r.suite][kind]++;
  }
  writeFileSync(join(ROOT, 'target/conformance-counts.json'), `${JSON.stringify({ counts, perFile }, null, 1)}\n`);
  for (const [suite, c] of Object.entries(counts)) {
    t.diagnostic(`${suite}: ${c.files} files, ${c.equal} equal to Pillow, ${c.refused} refused with a message, ${c.decodedPillowRefuses} decoded that Pillow refuses, ${c.mismatched} known differences`);
  }
  assert.deepEqual(failures, []);
});
