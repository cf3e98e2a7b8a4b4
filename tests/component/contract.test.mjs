// The contract crate (contract/, the Rust types the app and the engine share) against the real
// component: what Rust writes, jco must take and give back unchanged, and what jco gives, Rust
// must read. A renamed case or field on either side fails here, not in a worker in a user's tab.
// contract/examples/echo.rs speaks for the Rust side (built by `make test-component`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { FIXTURES, ROOT, fixture } from '../support/files.mjs';

const ECHO = join(ROOT, 'target/debug/examples/echo');

/** The Rust side: `echo kind`, with `input` as JSON on stdin; parsed output. */
function rust(kind, input) {
  const stdin = input === undefined ? '' : JSON.stringify(input);
  return JSON.parse(execFileSync(ECHO, [kind], { input: stdin, encoding: 'utf8' }));
}

/** A jco value as plain JSON: `undefined` options left out, as serde leaves out `None`. */
const plain = (value) => JSON.parse(JSON.stringify(value));

test("the app's default options are the component's default-options", () => {
  assert.deepEqual(rust('defaults'), plain(imaging.defaultOptions()));
});

test('every case of every option, written by Rust, goes through the component and back unchanged', () => {
  const samples = rust('samples');
  assert.ok(samples.length > 25, `only ${samples.length} samples`);
  for (const options of samples) {
    assert.deepEqual(plain(imaging.checkOptions(options)), options, JSON.stringify(options));
    assert.deepEqual(rust('options', plain(imaging.checkOptions(options))), options);
  }
});

test('check-options refuses what process would refuse, naming the setting', () => {
  const zero = imaging.defaultOptions();
  zero.resize.mode = { tag: 'fit-width', val: 0 };
  const quality = imaging.defaultOptions();
  quality.encode.encoding.quality = { tag: 'fixed', val: 0 };
  for (const [options, word] of [[zero, /0 pixels/], [quality, /quality/i]]) {
    assert.throws(() => imaging.checkOptions(options), (e) => e.payload.tag === 'invalid-options' && word.test(e.payload.val));
  }
});

test('Rust reads every probe report and every error the component gives', () => {
  const names = readdirSync(FIXTURES).filter((name) => /\.(jpg|png|webp|gif|bmp|tiff|jxl)$/.test(name));
  const infos = names.map((name) => plain(imaging.probe(fixture(name))));
  assert.deepEqual(rust('image-info', infos), infos);

  const payload = (call) => {
    try {
      call();
    } catch (e) {
      return plain(e.payload);
    }
    assert.fail('expected an error');
  };
  const options = (change) => {
    const o = imaging.defaultOptions();
    change(o);
    return o;
  };
  const errors = [
    payload(() => imaging.probe(new TextEncoder().encode('hello, world'))),
    payload(() => imaging.probe(fixture('photo-640x400.jpg').subarray(0, 300))),
    payload(() => imaging.process(fixture('photo-640x400.jpg'), options((o) => (o.limits.maxPixels = 1000)))),
    payload(() => imaging.checkOptions(options((o) => (o.resize.mode = { tag: 'exact', val: { width: 0, height: 5 } })))),
    payload(() =>
      imaging.process(
        fixture('one-pixel.png'),
        options((o) => {
          o.resize = { mode: { tag: 'exact', val: { width: 70000, height: 1 } }, filter: 'nearest', neverUpscale: false, turn: 'normal' };
          o.encode.encoding.format = 'jpeg';
        }),
      ),
    ),
    payload(() => imaging.process(fixture('photo-640x400.jpg'), options((o) => (o.encode.maxBytes = 10)))),
    payload(() => imaging.process(fixture('photo-640x400.jpg'), options((o) => (o.resize.crop = { left: 0, top: 390, width: 5, height: 20 })))),
  ];
  assert.deepEqual(
    errors.map((e) => e.tag),
    ['unsupported-format', 'malformed-input', 'too-large', 'invalid-options', 'encoding-failed', 'budget-unreachable', 'invalid-crop'],
  );
  assert.deepEqual(rust('error', errors), errors);
});
