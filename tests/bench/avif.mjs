// AVIF encode time in headless Chromium: localpix (the component's rav1e, as the app ships it) at
// each effort against jSquash's AVIF (@jsquash/avif: Squoosh's libavif + libaom, its
// single-threaded build, as a page that is not cross-origin isolated gets) at equal bytes, on a
// 1920×1080 photo (kleiber from ../shared/corpus, cut and resized to 1920×1080 by localpix).
// jSquash's quality is searched until its file is within 3% of ours; both files are scored by
// tests/bench/score.py (Pillow decodes, PyPI's ssimulacra2 scores). Prints a Markdown table.
//
//   node tests/bench/avif.mjs            QUALITY=70 RUNS=3 by default
//
// Needs `make component`, `make setup-bench`, Chromium and npm's devDependencies.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { serveDir } from '../../tools/serve.mjs';
import { imaging } from '../../target/component/node/localpix_core.js';
import { launch } from '../support/browser.mjs';
import { ROOT, corpus, corpusPath } from '../support/files.mjs';
import { decodePng } from '../support/png.mjs';

const RUNS = Math.max(1, Number(process.env.RUNS ?? 3));
const QUALITY = Number(process.env.QUALITY ?? 70);
const PYTHON = process.env.BENCH_PYTHON ?? join(ROOT, 'target/venv-bench/bin/python');
const OUT = join(ROOT, 'target/bench/avif');
const PHOTO = 'kleiber-6028x3391.jpg';

if (!corpusPath(PHOTO)) {
  console.error(`SKIPPED: ${PHOTO} is not in the corpus.`);
  process.exit(0);
}
mkdirSync(OUT, { recursive: true });

// The reference pixels: the photo covered to 1920×1080, as a PNG (our input) and RGBA (jSquash's).
const cover = imaging.defaultOptions();
cover.resize.mode = { tag: 'cover', val: { width: 1920, height: 1080 } };
cover.encode.encoding.format = 'png';
cover.encode.encoding.effort = 'fast';
const reference = imaging.process(corpus(PHOTO), cover).bytes;
writeFileSync(join(OUT, 'reference.png'), reference);
const decoded = decodePng(reference);
const rgba = { width: decoded.width, height: decoded.height, data: Buffer.alloc(decoded.width * decoded.height * 4, 255) };
for (let i = 0; i < decoded.width * decoded.height; i++) {
  for (let c = 0; c < decoded.channels; c++) rgba.data[i * 4 + c] = decoded.pixels[i * decoded.channels + c];
}

const site = join(OUT, 'site');
cpSync(join(ROOT, 'target/component/js'), join(site, 'component'), { recursive: true });
cpSync(join(ROOT, 'node_modules/@jsquash/avif'), join(site, 'jsquash-avif'), { recursive: true });
cpSync(join(ROOT, 'node_modules/wasm-feature-detect/dist/esm'), join(site, 'wasm-feature-detect'), { recursive: true });
writeFileSync(join(site, 'reference.png'), reference);
writeFileSync(join(site, 'reference.rgba'), rgba.data);
writeFileSync(
  join(site, 'index.html'),
  '<!doctype html><title>avif</title><script type="importmap">{"imports":{"wasm-feature-detect":"./wasm-feature-detect/index.js"}}</script>',
);

const server = await serveDir(site);
const context = await launch();
const rows = [];
try {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.evaluate(async ({ width, height }) => {
    const { instantiate } = await import('./component/localpix_core.js');
    // The full engine's core module (the light one leaves AVIF out), as the app's worker loads it.
    const core = (file) => (file === 'localpix_core.core.wasm' ? 'localpix_core.full.core.wasm' : file);
    const { imaging } = await instantiate((file) => WebAssembly.compileStreaming(fetch(`./component/${core(file)}`)), {});
    const png = new Uint8Array(await (await fetch('reference.png')).arrayBuffer());
    const data = new Uint8ClampedArray(await (await fetch('reference.rgba')).arrayBuffer());
    const { default: squoosh } = await import('./jsquash-avif/encode.js');
    const time = (f) => {
      const t0 = performance.now();
      return [f(), performance.now() - t0];
    };
    window.bench = {
      // Decode and resize untimed; the encode alone is timed.
      ours(quality, effort) {
        const options = imaging.defaultOptions();
        options.resize.mode = { tag: 'none' };
        Object.assign(options.encode.encoding, { format: 'avif', quality: { tag: 'fixed', val: quality }, effort });
        options.encode.metadata = 'strip-all';
        options.encode.keepSmallerOriginal = false;
        const image = imaging.Image.decode(png, { limits: options.limits });
        const resized = image.resize(options.resize);
        const [out, ms] = time(() => resized.encode(options.encode));
        image[Symbol.dispose]();
        resized[Symbol.dispose]();
        return { ms, bytes: Array.from(out.bytes) };
      },
      async squoosh(quality, speed) {
        const t0 = performance.now();
        const out = await squoosh(new ImageData(data, width, height), { quality, speed });
        return { ms: performance.now() - t0, bytes: Array.from(new Uint8Array(out)) };
      },
    };
  }, { width: rgba.width, height: rgba.height });

  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const measure = async (fn, ...args) => {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await page.evaluate(({ fn, args }) => window.bench[fn](...args), { fn, args }));
    return { ms: median(runs.map((r) => r.ms)), bytes: Buffer.from(runs[0].bytes) };
  };

  for (const effort of ['fast', 'balanced', 'smallest']) {
    const ours = await measure('ours', QUALITY, effort);
    const oursFile = join(OUT, `localpix-q${QUALITY}-${effort}.avif`);
    writeFileSync(oursFile, ours.bytes);
    // jSquash's quality (0–100, libavif's) searched for equal bytes, at Squoosh's default speed 6.
    let [low, high] = [0, 100];
    let squoosh;
    let quality;
    while (low <= high) {
      quality = Math.floor((low + high) / 2);
      squoosh = await page.evaluate(({ q }) => window.bench.squoosh(q, 6), { q: quality });
      const ratio = squoosh.bytes.length / ours.bytes.length;
      if (Math.abs(ratio - 1) <= 0.03) break;
      if (ratio < 1) low = quality + 1;
      else high = quality - 1;
    }
    const theirs = await measure('squoosh', quality, 6);
    const theirsFile = join(OUT, `jsquash-q${quality}-s6-for-${effort}.avif`);
    writeFileSync(theirsFile, theirs.bytes);
    const scores = JSON.parse(execFileSync(PYTHON, [join(ROOT, 'tests/bench/score.py'), join(OUT, 'reference.png'), oursFile, theirsFile], { encoding: 'utf8' })).results;
    rows.push({ encoder: `localpix AVIF q${QUALITY}, ${effort}`, ...ours, score: scores[0] });
    rows.push({ encoder: `jSquash AVIF q${quality}, speed 6`, ...theirs, score: scores[1] });
  }
} finally {
  await context.close();
  await server.close();
}

console.log(`1920×1080 (${PHOTO} covered), Chromium ${execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim()}, ${cpus()[0].model}, median of ${RUNS}`);
console.log('\n| Encoder | Bytes | Encode (ms) | SSIMULACRA2 | SSIM |\n|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.encoder} | ${r.bytes.length} | ${Math.round(r.ms)} | ${r.score.ssimulacra2?.toFixed(1)} | ${r.score.ssim?.toFixed(4)} |`);
}
