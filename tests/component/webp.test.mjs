// Lossy WebP from the component, read by decoders that are not ours and compared with Debian's
// cwebp (libwebp 1.2.4, installed by `make test`): Pillow (libwebp, in target/venv-test) must see
// the size, colours and transparency we encoded, and at the same quality and method the component
// must write what cwebp writes from the same pixels (issue 11: within 5% of cwebp's bytes at
// equal quality; libwebp 1.6.0 compiled to wasm writes the very same bytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { fixture, scratchDir } from '../support/files.mjs';
import { alphaRamp, meanDiff, pillow as readWith } from '../support/pillow.mjs';

const dir = scratchDir('localpix-webp-');

function options(format, { quality = 75, effort = 'balanced', mode = { tag: 'none' } } = {}) {
  const o = imaging.defaultOptions();
  o.resize.mode = mode;
  o.encode.encoding.format = format;
  o.encode.encoding.quality = { tag: 'fixed', val: quality };
  o.encode.encoding.effort = effort;
  o.encode.metadata = 'strip-all';
  return o;
}

const pillow = (bytes, name) => readWith(bytes, dir, name);

test('Pillow reads our lossy WebP at its size, with its colours and its transparency', () => {
  for (const name of ['photo-640x400.jpg', 'alpha-640x360.png']) {
    // The reference: the same resized pixels, written losslessly.
    const mode = { tag: 'fit-width', val: 320 };
    const lossless = pillow(imaging.process(fixture(name), options('png', { mode })).bytes, `${name}.png`);
    const out = imaging.process(fixture(name), options('webp', { quality: 90, mode }));
    assert.equal(out.format, 'webp');
    assert.equal(imaging.probe(out.bytes).lossy, true);
    const lossy = pillow(out.bytes, `${name}.webp`);
    assert.equal(lossy.format, 'WEBP');
    assert.deepEqual([lossy.width, lossy.height], [lossless.width, lossless.height], name);
    const colours = meanDiff(lossy.rgba, lossless.rgba);
    assert.ok(colours < 3, `${name}: colours ${colours.toFixed(2)} levels away`);
    // The alpha plane is stored losslessly.
    assert.equal(meanDiff(lossy.rgba, lossless.rgba, [3]), 0, `${name}: alpha changed`);
  }
  // Real transparency (the fixtures' alpha is 254–255): an alpha ramp over a colour gradient,
  // drawn by Pillow.
  const ramp = alphaRamp(dir);
  const source = pillow(ramp, 'ramp-copy.png');
  const decoded = pillow(imaging.process(ramp, options('webp')).bytes, 'ramp.webp');
  assert.deepEqual([decoded.mode, decoded.width, decoded.height], ['RGBA', 96, 64]);
  assert.equal(meanDiff(decoded.rgba, source.rgba, [3]), 0, 'the alpha ramp changed');
});

test('our lossy WebP is byte for byte what cwebp writes at the same quality and method', () => {
  // The same pixels for both: the component's own lossless PNG of each fixture.
  const efforts = { fast: 2, balanced: 4, smallest: 6 };
  let compared = 0;
  for (const name of ['photo-640x400.jpg', 'alpha-640x360.png']) {
    const png = join(dir, `${name}.source.png`);
    writeFileSync(png, imaging.process(fixture(name), options('png')).bytes);
    for (const [quality, effort] of [[75, 'balanced'], [50, 'fast'], [90, 'smallest']]) {
      const ours = imaging.process(readFileSync(png), options('webp', { quality, effort })).bytes;
      const cwebp = join(dir, `${name}-${quality}-${effort}.webp`);
      execFileSync('cwebp', ['-quiet', '-q', String(quality), '-m', String(efforts[effort]), png, '-o', cwebp]);
      const theirs = readFileSync(cwebp);
      const context = `${name} at -q ${quality} -m ${efforts[effort]}: ours ${ours.length} bytes, cwebp ${theirs.length}`;
      assert.ok(Math.abs(ours.length - theirs.length) <= theirs.length * 0.05, context);
      assert.ok(Buffer.from(ours).equals(theirs), `${context}: not the same bytes`);
      compared++;
    }
  }
  assert.equal(compared, 6);
});
