// AVIF from the component (rav1e), read by a decoder that is not ours: Pillow 13's own AVIF support
// (libavif with dav1d, in target/venv-test) must see the size, colours and transparency we encoded;
// automatic quality and byte budgets must hold for AVIF as for JPEG; and the browser's build of
// the component (jco's async output, in Chromium) must write the very bytes Node's build writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { serveDir } from '../../tools/serve.mjs';
import { imaging } from '../../target/component/node/localpix_core.js';
import { launch } from '../support/browser.mjs';
import { fixture, ROOT, scratchDir } from '../support/files.mjs';
import { PYTHON, alphaRamp, meanDiff, pillow as readWith } from '../support/pillow.mjs';

const dir = scratchDir('localpix-avif-');
const fitWidth = (val) => ({ tag: 'fit-width', val });

function options(format, { quality = { tag: 'fixed', val: 75 }, effort = 'fast', mode = fitWidth(320), chroma = 'yuv420' } = {}) {
  const o = imaging.defaultOptions();
  o.resize.mode = mode;
  Object.assign(o.encode.encoding, { format, quality, effort });
  o.encode.encoding.jpeg.chromaSubsampling = chroma;
  o.encode.metadata = 'strip-all';
  return o;
}

const pillow = (bytes, name) => readWith(bytes, dir, name);

test('Pillow reads our AVIF at its size, with its colours and its transparency, at 4:2:0 and 4:4:4', () => {
  for (const name of ['photo-640x400.jpg', 'alpha-640x360.png']) {
    // The reference: the same resized pixels, written losslessly.
    const lossless = pillow(imaging.process(fixture(name), options('png')).bytes, `${name}.png`);
    const sizes = {};
    for (const chroma of ['yuv420', 'yuv444']) {
      const out = imaging.process(fixture(name), options('avif', { quality: { tag: 'fixed', val: 90 }, chroma }));
      assert.equal(out.format, 'avif');
      const avif = pillow(out.bytes, `${name}-${chroma}.avif`);
      assert.equal(avif.format, 'AVIF');
      assert.deepEqual([avif.width, avif.height], [lossless.width, lossless.height], name);
      assert.equal(avif.mode, name.includes('alpha') ? 'RGBA' : 'RGB', `${name}: transparency kept, and only where there is some`);
      const colours = meanDiff(avif.rgba, lossless.rgba);
      assert.ok(colours < 3, `${name} ${chroma}: colours ${colours.toFixed(2)} levels away`);
      assert.ok(meanDiff(avif.rgba, lossless.rgba, [3]) < 1, `${name} ${chroma}: alpha changed`);
      sizes[chroma] = out.bytes.length;
    }
    assert.ok(sizes.yuv444 > sizes.yuv420, `${name}: 4:4:4 keeps more colour detail (${JSON.stringify(sizes)})`);
  }
  // Real transparency: an alpha ramp over a colour gradient, drawn by Pillow.
  const ramp = alphaRamp(dir);
  const source = pillow(ramp, 'ramp-copy.png');
  const decoded = pillow(imaging.process(ramp, options('avif', { mode: { tag: 'none' }, quality: { tag: 'fixed', val: 90 } })).bytes, 'ramp.avif');
  assert.deepEqual([decoded.mode, decoded.width, decoded.height], ['RGBA', 96, 64]);
  const alpha = meanDiff(decoded.rgba, source.rgba, [3]);
  assert.ok(alpha < 4, `the alpha ramp is ${alpha.toFixed(2)} levels away`);
});

test('automatic quality reaches its SSIMULACRA2 target in AVIF, lower targets giving fewer bytes', () => {
  const results = ['visually-lossless', 'high', 'good'].map((val) => {
    const out = imaging.process(fixture('photo-640x400.jpg'), options('avif', { quality: { tag: 'auto', val } }));
    assert.equal(out.format, 'avif');
    return { val, out };
  });
  const targets = { 'visually-lossless': 90, high: 75, good: 65 };
  for (const { val, out } of results) {
    assert.ok(out.score.ssimulacra2 >= targets[val], `${val}: scored ${out.score.ssimulacra2.toFixed(1)} at q${out.quality}`);
  }
  const bytes = results.map(({ out }) => out.bytes.length);
  assert.ok(bytes[0] > bytes[1] && bytes[1] >= bytes[2], `bytes ${bytes}`);
});

test('a byte budget is met in AVIF by lowering its quality, or refused honestly', () => {
  const o = options('avif', { mode: { tag: 'none' }, quality: { tag: 'fixed', val: 80 } });
  const free = imaging.process(fixture('photo-640x400.jpg'), o);
  o.encode.maxBytes = Math.floor(free.bytes.length / 2);
  const out = imaging.process(fixture('photo-640x400.jpg'), o);
  assert.equal(out.format, 'avif');
  assert.ok(out.bytes.length <= o.encode.maxBytes && out.quality < 80, `${out.bytes.length} bytes at q${out.quality}, budget ${o.encode.maxBytes}`);
  assert.equal(pillow(out.bytes, 'budget.avif').format, 'AVIF');
  o.encode.maxBytes = 100;
  try {
    imaging.process(fixture('photo-640x400.jpg'), o);
    assert.fail('a 100-byte AVIF of a photo');
  } catch (e) {
    assert.equal(e.payload?.tag, 'budget-unreachable', String(e));
  }
});

test('EXIF is kept in AVIF when the policy keeps it; colours are converted to sRGB whatever the policy', () => {
  const o = options('avif', { quality: { tag: 'fixed', val: 60 } });
  o.encode.metadata = 'keep-safe';
  const out = imaging.process(fixture('photo-640x400.jpg'), o);
  const script = 'import sys\nfrom PIL import Image\nim = Image.open(sys.argv[1])\nprint(len(im.getexif()), im.info.get("icc_profile") is None)';
  const path = join(dir, 'exif.avif');
  writeFileSync(path, out.bytes);
  const [tags, noProfile] = execFileSync(PYTHON, ['-c', script, path], { encoding: 'utf8' }).trim().split(' ');
  assert.ok(Number(tags) > 0, 'EXIF tags read back');
  assert.equal(noProfile, 'True');
});

test('the browser build of the component writes the same AVIF bytes as the Node build', async () => {
  const site = scratchDir('localpix-avif-site-');
  cpSync(join(ROOT, 'target/component/js'), join(site, 'component'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>avif</title>');
  for (const name of ['photo-640x400.jpg', 'alpha-640x360.png']) writeFileSync(join(site, name), fixture(name));
  const server = await serveDir(site);
  const context = await launch();
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    for (const name of ['photo-640x400.jpg', 'alpha-640x360.png']) {
      for (const chroma of ['yuv420', 'yuv444']) {
        const o = options('avif', { chroma, effort: 'balanced' });
        const node = imaging.process(fixture(name), o).bytes;
        const browser = await page.evaluate(
          async ({ name, o }) => {
            const { instantiate } = await import('./component/localpix_core.js');
            // The full engine's core module with the one glue, as the app's worker runs it (the
            // light engine leaves AVIF out).
            const core = (file) => (file === 'localpix_core.core.wasm' ? 'localpix_core.full.core.wasm' : file);
            const { imaging } = await instantiate((file) => WebAssembly.compileStreaming(fetch(`./component/${core(file)}`)), {});
            const input = new Uint8Array(await (await fetch(name)).arrayBuffer());
            return Array.from(imaging.process(input, o).bytes);
          },
          { name, o },
        );
        assert.ok(Buffer.from(node).equals(Buffer.from(browser)), `${name} ${chroma}: Node ${node.length} bytes, Chromium ${browser.length}`);
      }
    }
  } finally {
    await context.close();
    await server.close();
  }
});
