// A phone photo's private data, gone under every metadata policy: what the HEIC and JPEG XL tests
// check of their phone files as of a JPEG. Each result is read by exiftool, an independent reader.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { contains, scratchDir } from './files.mjs';

const dir = scratchDir('localpix-exiftool-');

/** exiftool's reading of `bytes` (written as `name`): every tag, by group. */
export function exiftool(bytes, name) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return JSON.parse(execFileSync('exiftool', ['-j', '-a', '-G1', path], { encoding: 'utf8' }))[0];
}

/** `input` (a phone's photo, `what`) processed with each metadata policy: a JPEG of `dimensions`
 *  without any of `secrets`, with no GPS for exiftool and not turned twice. Yields each
 *  `{ policy, out }` for the caller's own checks. */
export function* strippedUnderEveryPolicy(imaging, input, { what, dimensions, secrets }) {
  for (const policy of ['strip-all', 'keep-color-profile', 'keep-safe']) {
    const options = imaging.defaultOptions();
    options.encode.metadata = policy;
    const out = imaging.process(input, options);
    assert.equal(out.format, 'jpeg', `${what} becomes a JPEG by default`);
    assert.deepEqual(out.dimensions, dimensions);
    for (const secret of secrets) assert.ok(!contains(out.bytes, secret), `${policy}: ${secret} kept`);
    const tags = exiftool(out.bytes, `out-${policy}.jpg`);
    assert.deepEqual(Object.keys(tags).filter((k) => k.startsWith('GPS:')), [], `${policy}: exiftool finds GPS`);
    assert.ok(!('IFD0:Orientation' in tags) || tags['IFD0:Orientation'] === 'Horizontal (normal)', `${policy}: turned twice`);
    yield { policy, out };
  }
}
