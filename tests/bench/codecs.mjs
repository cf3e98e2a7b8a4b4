// `make bench`, codecs: for real photos and two synthetic graphics, each resized once to 1920 px
// wide by localpix, every encoder gets the same RGBA pixels in headless Chromium: localpix's own
// (the component, as the app ships it), Chromium's (OffscreenCanvas.convertToBlob) and Squoosh's
// (jSquash's npm packages of MozJPEG, the png crate and OxiPNG). For each: output bytes, encode
// time (median of RUNS interleaved runs, performance.now() around the encode call alone), and
// SSIMULACRA2 and SSIM against the resized pixels, scored by tests/bench/score.py (Pillow decodes,
// PyPI's ssimulacra2 scores: no encoder judges itself).
//
//   node tests/bench/codecs.mjs                    all images; writes docs/codecs.md
//   IMAGES=kleiber,chart RUNS=1 node tests/bench/codecs.mjs   a quick look; docs left alone
//   node tests/bench/codecs.mjs --doc-only         docs/codecs.md again from the last rows.json
//
// Outputs in target/bench/codecs/: per image its reference (reference.png, the RGBA), every
// encoder's file and, in decoded/, what Pillow decoded from it; rows.json holds every row.
// Needs the component (`make component`), Chromium, npm's devDependencies and the scorer's
// Python packages (`make setup-bench`); the photos come from ../shared/corpus.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { serveDir } from '../../tools/serve.mjs';
import { launch } from '../support/browser.mjs';
import { ROOT, corpusPath } from '../support/files.mjs';
import { decodePng } from '../support/png.mjs';

const RUNS = Math.max(1, Number(process.env.RUNS ?? 5));
const WIDTH = 1920;
const OUT = join(ROOT, 'target/bench/codecs');
const PYTHON = process.env.BENCH_PYTHON ?? join(ROOT, 'target/venv-bench/bin/python');
const DOC = join(ROOT, 'docs/codecs.md');
const COMMAND = 'make bench  # or, once set up: node tests/bench/codecs.mjs';

const PHOTOS = [
  { name: 'kleiber', file: 'kleiber-6028x3391.jpg', kind: 'photo: landscape, fine detail (20 MP JPEG)' },
  { name: 'painting', file: 'painting-6000x4000.jpg', kind: 'photo: painted colours, smooth (24 MP JPEG)' },
  { name: 'path', file: 'path-2560x1600.jpg', kind: 'photo: forest path, foliage (4 MP JPEG)' },
  { name: 'volna', file: 'volna-5120x2880.jpg', kind: 'photo: waves, gradients (15 MP JPEG)' },
  { name: 'adwaita', file: 'adwaita-4096x4096.webp', kind: 'illustration: smooth shapes (17 MP WebP)' },
  { name: 'patak', file: 'patak-5120x2880-rgba.png', kind: 'photo with alpha channel (15 MP RGBA PNG)' },
];
const SYNTHETIC = [
  { name: 'screenshot', kind: 'synthetic: app screenshot, text and flat colours', svg: () => screenshotSvg() },
  { name: 'chart', kind: 'synthetic: charts and a diagram, text and thin lines', svg: () => chartSvg() },
];

// --- localpix: the one place that knows the engine's encode options ----------------------------
// Two shapes of `encode.encoding` exist: 'per-format' (today: `jpeg.quality`, `png.effort`) and
// 'effort' (`quality: {tag: 'fixed'|'auto'}`, `effort` for every format, `png.paletteColors`).
// When the engine's API changes again, this section is what to edit.

/** Which shape the built component has. */
export function localpixApi(imaging) {
  return 'effort' in imaging.defaultOptions().encode.encoding ? 'effort' : 'per-format';
}

/** The localpix rows for the API at hand: `{ format, effort, quality, paletteColors }` each. */
export function localpixConfigs(api) {
  const q80 = { fixed: 80 };
  if (api === 'per-format') {
    return [
      { format: 'jpeg', effort: null, quality: q80 },
      ...['fast', 'balanced', 'smallest'].map((effort) => ({ format: 'png', effort, quality: null })),
      { format: 'webp-lossless', effort: null, quality: null },
    ];
  }
  const efforts = ['fast', 'balanced', 'smallest'];
  return [
    ...efforts.map((effort) => ({ format: 'jpeg', effort, quality: q80 })),
    ...['visually-lossless', 'high', 'good'].map((auto) => ({ format: 'jpeg', effort: 'balanced', quality: { auto } })),
    ...efforts.map((effort) => ({ format: 'png', effort, quality: null })),
    { format: 'png', effort: 'balanced', quality: null, paletteColors: 256 },
    ...efforts.map((effort) => ({ format: 'webp-lossless', effort, quality: null })),
  ];
}

/** Full `process` options for one encode, from `imaging.defaultOptions()`: resize as given,
 *  metadata stripped, then format, effort (null: the engine's default) and quality
 *  (`{ fixed: n }`, `{ auto: 'high' }` or null: the default). */
export function localpixOptions(imaging, { format, effort = null, quality = null, paletteColors }, resizeMode = { tag: 'none' }) {
  const options = imaging.defaultOptions();
  options.resize.mode = resizeMode;
  options.encode.metadata = 'strip-all';
  // The encoder is measured: never the input given back in its place.
  if ('keepSmallerOriginal' in options.encode) options.encode.keepSmallerOriginal = false;
  const encoding = options.encode.encoding;
  encoding.format = format;
  if (localpixApi(imaging) === 'effort') {
    if (effort) encoding.effort = effort;
    if (quality) encoding.quality = 'fixed' in quality ? { tag: 'fixed', val: quality.fixed } : { tag: 'auto', val: quality.auto };
    if (paletteColors !== undefined) encoding.png = { ...encoding.png, paletteColors };
  } else {
    if (quality && !('fixed' in quality && format === 'jpeg')) throw new Error(`this engine has no ${JSON.stringify(quality)} quality for ${format}`);
    if (quality) encoding.jpeg.quality = quality.fixed;
    if (effort && format !== 'png') throw new Error(`this engine has no effort setting for ${format}`);
    if (effort) encoding.png.effort = effort;
    if (paletteColors !== undefined) throw new Error('this engine writes no palette PNG');
  }
  return options;
}

/** A localpix row's id: its files' names in target/bench/codecs/IMAGE/. */
function localpixId({ format, effort, quality, paletteColors }) {
  const q = quality ? ('fixed' in quality ? `-q${quality.fixed}` : `-auto-${quality.auto}`) : '';
  const palette = paletteColors !== undefined ? `-palette${paletteColors}` : '';
  return `localpix-${format}${q}${palette}${effort ? `-${effort}` : ''}`;
}

/** How a localpix row is named in the table. */
function localpixLabel({ format, effort, quality, paletteColors }) {
  const what = { jpeg: 'JPEG', png: 'PNG', 'webp-lossless': 'WebP lossless', webp: 'WebP' }[format] ?? format;
  const q = quality ? ('fixed' in quality ? ` q${quality.fixed}` : ` auto ${quality.auto}`) : '';
  const palette = paletteColors !== undefined ? ` palette ${paletteColors}` : '';
  return { encoder: `localpix ${what}${q}${palette}`, effort: effort ?? 'default' };
}
// --- end of the localpix section -------------------------------------------------------------

/** Every row that is not localpix's, run in the page (see `benchInPage`). */
const OTHER_ENCODERS = [
  { id: 'chromium-jpeg-q80', encoder: 'Chromium JPEG q80', effort: '(none)', ext: 'jpg', lossy: true },
  { id: 'chromium-webp-q80', encoder: 'Chromium WebP q80', effort: '(none)', ext: 'webp', lossy: true },
  { id: 'chromium-png', encoder: 'Chromium PNG', effort: '(none)', ext: 'png', lossy: false },
  { id: 'mozjpeg-q80', encoder: 'MozJPEG q80 (jSquash)', effort: 'progressive (Squoosh default)', ext: 'jpg', lossy: true },
  { id: 'mozjpeg-q80-baseline', encoder: 'MozJPEG q80 (jSquash)', effort: 'baseline', ext: 'jpg', lossy: true },
  { id: 'jsquash-png', encoder: 'PNG (jSquash, png crate)', effort: '(none)', ext: 'png', lossy: false },
  { id: 'oxipng-1', encoder: 'OxiPNG (jSquash)', effort: 'level 1', ext: 'png', lossy: false },
  { id: 'oxipng-2', encoder: 'OxiPNG (jSquash)', effort: 'level 2 (Squoosh default)', ext: 'png', lossy: false },
];

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (process.argv.includes('--doc-only')) {
    const { meta, rows } = JSON.parse(readFileSync(join(OUT, 'rows.json'), 'utf8'));
    const names = new Set(rows.map((r) => r.image));
    writeFileSync(DOC, doc(meta, markdown(rows), PHOTOS.filter((p) => names.has(p.name)), SYNTHETIC.filter((s) => names.has(s.name))));
    console.log(`Wrote ${DOC.slice(ROOT.length + 1)} from ${join(OUT, 'rows.json').slice(ROOT.length + 1)} (${meta.date}).`);
    return;
  }
  const only = process.env.IMAGES?.split(',').map((s) => s.trim()).filter(Boolean);
  const photos = PHOTOS.filter((p) => !only || only.includes(p.name));
  const synthetic = SYNTHETIC.filter((s) => !only || only.includes(s.name));
  const missing = photos.filter((p) => !corpusPath(p.file));
  if (missing.length) {
    console.error(`SKIPPED: ${missing.map((p) => p.file).join(', ')} not in the corpus (../shared/corpus); no codec table made.`);
    process.exit(0);
  }
  try {
    execFileSync(PYTHON, ['-c', 'import ssimulacra2, scipy, PIL'], { stdio: 'ignore' });
  } catch {
    console.error(`The scorer's Python (${PYTHON}) lacks its packages: run \`make setup-bench\` first.`);
    process.exit(1);
  }
  const { imaging } = await import('../../target/component/node/localpix_core.js');
  const api = localpixApi(imaging);
  const configs = localpixConfigs(api);
  const full = !only;
  const loadBefore = uptime();

  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  // The page's origin: the component as the app ships it, node_modules (jSquash fetches its wasm
  // beside its modules) and the images of this run.
  const site = join(tmpdir(), `localpix-codecs-${process.pid}`);
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site);
  symlinkSync(join(ROOT, 'target/component/js'), join(site, 'component'));
  symlinkSync(join(ROOT, 'node_modules'), join(site, 'node_modules'));
  symlinkSync(OUT, join(site, 'images'));
  // oxipng imports `wasm-feature-detect` by its bare name: the import map resolves it.
  const importMap = { imports: { 'wasm-feature-detect': '/node_modules/wasm-feature-detect/dist/esm/index.js' } };
  writeFileSync(join(site, 'index.html'), `<!doctype html><meta charset="utf-8"><title>codecs</title>\n<script type="importmap">${JSON.stringify(importMap)}</script>\n`);

  const server = await serveDir(site);
  const context = await launch();
  const rows = [];
  let browserVersion = '';
  try {
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    browserVersion = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)[0]));

    const images = [];
    for (const photo of photos) images.push({ ...photo, source: readFileSync(corpusPath(photo.file)) });
    for (const graphic of synthetic) {
      const svg = graphic.svg();
      mkdirSync(join(OUT, graphic.name), { recursive: true });
      writeFileSync(join(OUT, graphic.name, 'source.svg'), svg);
      const png = Buffer.from(await page.evaluate(renderSvg, { svg, width: WIDTH, height: 1080 }), 'base64');
      writeFileSync(join(OUT, graphic.name, 'source.png'), png);
      images.push({ ...graphic, file: 'source.svg (rendered by Chromium)', source: png });
    }

    for (const image of images) {
      // The reference: localpix's resize to 1920 wide, as a lossless PNG, made once.
      const dir = join(OUT, image.name);
      mkdirSync(dir, { recursive: true });
      const reference = imaging.process(
        new Uint8Array(image.source),
        localpixOptions(imaging, { format: 'png', effort: 'fast' }, { tag: 'fit-width', val: WIDTH }),
      ).bytes;
      writeFileSync(join(dir, 'reference.png'), reference);
      const { width, height, channels, pixels } = decodePng(reference);
      writeFileSync(join(dir, 'reference.rgba'), toRgba(pixels, channels));
      image.width = width;
      image.height = height;

      const localpixRows = configs.map((config) => {
        const label = localpixLabel(config);
        let options = null;
        let error = null;
        try {
          options = localpixOptions(imaging, config);
        } catch (e) {
          error = e.message;
        }
        return { id: localpixId(config), ...label, ext: extOf(config.format), lossy: !!config.quality || config.paletteColors !== undefined, options, error };
      });
      const encoders = [...localpixRows, ...OTHER_ENCODERS];
      process.stderr.write(`${image.name} ${width}x${height}: ${encoders.length} encoders × ${RUNS + 1} runs… `);
      const started = performance.now();
      const result = await page.evaluate(benchInPage, {
        base: `/images/${image.name}/`,
        width,
        height,
        runs: RUNS,
        encoders: encoders.map(({ id, options, error }) => ({ id, options, error })),
      });
      process.stderr.write(`${((performance.now() - started) / 1000).toFixed(0)} s\n`);
      for (const encoder of encoders) {
        const r = result[encoder.id];
        const row = {
          image: image.name,
          kind: image.kind,
          source: image.file,
          width,
          height,
          id: encoder.id,
          encoder: encoder.encoder,
          effort: encoder.effort,
          lossy: encoder.lossy,
          options: encoder.options ?? undefined,
          error: r.error ?? undefined,
        };
        if (!r.error) {
          const file = join(dir, `${encoder.id}.${encoder.ext}`);
          writeFileSync(file, Buffer.from(r.bytes, 'base64'));
          Object.assign(row, {
            file,
            bytes: r.size,
            sizesDiffer: r.sizesDiffer || undefined,
            encodeMs: median(r.times),
            times: r.times,
            engineScore: r.engineScore ?? undefined,
            quality: r.quality ?? undefined,
          });
        }
        rows.push(row);
      }
    }
    if (pageErrors.length) console.error(`Errors in the page: ${pageErrors.join('; ')}`);
  } finally {
    await context.close();
    await server.close();
    rmSync(site, { recursive: true, force: true });
  }

  // Scoring after the browser is gone, so that it never competes with the timed encodes.
  process.stderr.write('scoring… ');
  const scoringStarted = performance.now();
  for (const name of new Set(rows.map((r) => r.image))) {
    const mine = rows.filter((r) => r.image === name && r.file);
    const dir = join(OUT, name);
    const output = execFileSync(
      PYTHON,
      [join(ROOT, 'tests/bench/score.py'), join(dir, 'reference.png'), ...mine.map((r) => r.file), '--decoded-dir', join(dir, 'decoded')],
      { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } },
    );
    for (const scored of JSON.parse(output).results) {
      const row = mine.find((r) => r.file === scored.file);
      if (scored.error) row.error = scored.error;
      else Object.assign(row, { ssimulacra2: scored.ssimulacra2, ssim: scored.ssim, identical: scored.identical, decoded: scored.decoded });
    }
  }
  process.stderr.write(`${((performance.now() - scoringStarted) / 1000).toFixed(0)} s\n`);

  const meta = {
    date: new Date().toISOString().slice(0, 10),
    loadBefore,
    loadAfter: uptime(),
    cores: cpus().length,
    browser: `Chromium ${browserVersion} (headless, software rendering)`,
    api,
    runs: RUNS,
    versions: npmVersions(),
  };
  writeFileSync(join(OUT, 'rows.json'), `${JSON.stringify({ meta, rows }, null, 1)}\n`);
  const tables = markdown(rows);
  console.log(tables);
  if (full) {
    writeFileSync(DOC, doc(meta, tables, photos, synthetic));
    console.log(`\nWrote ${DOC.slice(ROOT.length + 1)} and ${join(OUT, 'rows.json').slice(ROOT.length + 1)}.`);
  } else {
    console.log(`\n(IMAGES was set: ${DOC.slice(ROOT.length + 1)} left as it was.)`);
  }
}

function extOf(format) {
  return { jpeg: 'jpg', png: 'png', 'webp-lossless': 'webp', webp: 'webp' }[format] ?? format;
}

/** RGBA bytes from the PNG reader's 3- or 4-channel pixels. */
function toRgba(pixels, channels) {
  if (channels === 4) return pixels;
  if (channels !== 3) throw new Error(`the reference PNG has ${channels} channels; expected RGB or RGBA`);
  const rgba = new Uint8Array((pixels.length / 3) * 4);
  for (let i = 0, j = 0; i < pixels.length; i += 3, j += 4) {
    rgba[j] = pixels[i];
    rgba[j + 1] = pixels[i + 1];
    rgba[j + 2] = pixels[i + 2];
    rgba[j + 3] = 255;
  }
  return rgba;
}

function uptime() {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${loadavg().map((x) => x.toFixed(2)).join(', ')}`;
  }
}

function npmVersions() {
  const version = (name) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  return Object.fromEntries(['@jsquash/jpeg', '@jsquash/png', '@jsquash/oxipng', 'playwright-core'].map((n) => [n, version(n)]));
}

// --- In the page ---------------------------------------------------------------------------------

/** Renders an SVG document to an opaque canvas and returns it as a base64 PNG. */
async function renderSvg({ svg, width, height }) {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.drawImage(image, 0, 0, width, height);
  const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Encodes one image's RGBA with every encoder: one untimed run each (modules compile, outputs are
 * kept), then `runs` timed rounds, each round running every encoder once in turn, so that a change
 * in the machine's load falls on all of them alike. Returns, per encoder id, its output (base64),
 * size and times, or the error it gave.
 */
async function benchInPage({ base, width, height, runs, encoders }) {
  const fetchBytes = async (name) => new Uint8Array(await (await fetch(base + name)).arrayBuffer());
  const rgba = await fetchBytes('reference.rgba');
  const referencePng = await fetchBytes('reference.png');
  const imageData = new ImageData(new Uint8ClampedArray(rgba.buffer), width, height);

  // The browser build is jco's `--instantiation async` output (the app compiles it once for all
  // workers): instantiate it here the same way.
  const { instantiate } = await import('/component/localpix_core.js');
  // The full engine's core module (the light one leaves lossy WebP and AVIF out), as the app's
  // worker loads it for them.
  const core = (name) => (name === 'localpix_core.core.wasm' ? 'localpix_core.full.core.wasm' : name);
  const { imaging } = await instantiate((name) => WebAssembly.compileStreaming(fetch(new URL('/component/' + core(name), location.href))), {});
  const { default: mozjpeg } = await import('/node_modules/@jsquash/jpeg/encode.js');
  const { default: pngEncode } = await import('/node_modules/@jsquash/png/encode.js');
  const { default: oxipng } = await import('/node_modules/@jsquash/oxipng/optimise.js');

  // Chromium's encoders read a canvas holding the same pixels (put, not drawn: no colour change).
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext('2d').putImageData(imageData, 0, 0);
  const blobBytes = async (blob) => new Uint8Array(await blob.arrayBuffer());

  // localpix encodes from its own decode of the reference PNG (lossless: the same pixels),
  // decoded once here, outside the timing.
  const decoded = imaging.Image.decode(referencePng, { limits: imaging.defaultOptions().limits, intendedResize: undefined });
  const engineExtras = {};
  const run = {
    'chromium-jpeg-q80': async () => blobBytes(await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 })),
    'chromium-webp-q80': async () => blobBytes(await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 })),
    'chromium-png': async () => blobBytes(await canvas.convertToBlob({ type: 'image/png' })),
    'mozjpeg-q80': async () => new Uint8Array(await mozjpeg(imageData, { quality: 80 })),
    'mozjpeg-q80-baseline': async () => new Uint8Array(await mozjpeg(imageData, { quality: 80, progressive: false })),
    'jsquash-png': async () => new Uint8Array(await pngEncode(imageData)),
    'oxipng-1': async () => new Uint8Array(await oxipng(imageData, { level: 1 })),
    'oxipng-2': async () => new Uint8Array(await oxipng(imageData, { level: 2 })),
  };
  for (const { id, options } of encoders) {
    if (!options) continue;
    run[id] = async () => {
      const output = decoded.encode(options.encode);
      engineExtras[id] = { quality: output.quality, score: output.score };
      return output.bytes;
    };
  }

  const results = {};
  const active = [];
  for (const { id, error } of encoders) {
    if (error) {
      results[id] = { error };
      continue;
    }
    try {
      const bytes = await run[id]();
      results[id] = { bytes, sizes: [bytes.length], times: [] };
      active.push(id);
    } catch (e) {
      results[id] = { error: String(e?.payload ? `${e.payload.tag}: ${e.payload.val}` : (e?.message ?? e)) };
    }
  }
  for (let round = 0; round < runs; round++) {
    for (const id of active) {
      const t0 = performance.now();
      const bytes = await run[id]();
      const t1 = performance.now();
      results[id].times.push(t1 - t0);
      results[id].sizes.push(bytes.length);
    }
  }
  decoded[Symbol.dispose]?.();

  const base64 = (bytes) => {
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  };
  for (const id of active) {
    const r = results[id];
    const extras = engineExtras[id] ?? {};
    results[id] = {
      bytes: base64(r.bytes),
      size: r.bytes.length,
      sizesDiffer: new Set(r.sizes).size > 1,
      times: r.times,
      quality: extras.quality,
      engineScore: extras.score,
    };
  }
  return results;
}

// --- Tables ----------------------------------------------------------------------------------

const fmt = {
  int: (n) => n.toLocaleString('en-US'),
  ms: (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1)),
  s2: (n) => n.toFixed(2),
  ssim: (n) => n.toFixed(4),
};

/** One table of totals over some images: bytes and times summed, scores averaged. */
function summary(lines, rows, title) {
  const names = [...new Set(rows.map((r) => r.image))];
  const keyOf = (r) => `${r.encoder}\u0000${r.effort}`;
  const keys = [...new Set(rows.map(keyOf))];
  lines.push(`### ${title}`, '');
  lines.push('Bytes and encode times are totals over these images; SSIMULACRA2 and SSIM are means (in brackets the lowest SSIMULACRA2 of any of them). A lossless encoder scores 100 and 1 when its pixels equal the reference.', '');
  lines.push('| encoder | effort | bytes | vs smallest lossless | SSIMULACRA2 mean (min) | SSIM mean | encode ms |');
  lines.push('|---|---|--:|--:|--:|--:|--:|');
  const totals = keys.map((key) => {
    const mine = rows.filter((r) => keyOf(r) === key);
    const ok = mine.filter((r) => !r.error && r.ssimulacra2 !== undefined);
    return {
      encoder: mine[0].encoder,
      effort: mine[0].effort,
      lossy: mine[0].lossy,
      complete: ok.length === names.length,
      errors: mine.filter((r) => r.error).map((r) => `${r.image}: ${r.error}`),
      bytes: ok.reduce((s, r) => s + r.bytes, 0),
      ms: ok.reduce((s, r) => s + r.encodeMs, 0),
      s2: ok.reduce((s, r) => s + r.ssimulacra2, 0) / ok.length,
      s2min: Math.min(...ok.map((r) => r.ssimulacra2)),
      ssim: ok.reduce((s, r) => s + r.ssim, 0) / ok.length,
    };
  });
  const smallestLossless = Math.min(...totals.filter((t) => t.complete && !t.lossy).map((t) => t.bytes));
  for (const t of totals) {
    if (!t.complete) {
      lines.push(`| ${t.encoder} | ${t.effort} | failed: ${t.errors.join('; ').replaceAll('|', '/')} | | | | |`);
      continue;
    }
    lines.push(`| ${t.encoder} | ${t.effort} | ${fmt.int(t.bytes)} | ${(t.bytes / smallestLossless).toFixed(2)}× | ${fmt.s2(t.s2)} (${fmt.s2(t.s2min)}) | ${fmt.ssim(t.ssim)} | ${fmt.ms(t.ms)} |`);
  }
  lines.push('');
}

function markdown(rows) {
  const lines = [];
  const names = [...new Set(rows.map((r) => r.image))];
  const synthetic = new Set(SYNTHETIC.map((s) => s.name));
  const groups = [
    { title: 'photos', names: names.filter((n) => !synthetic.has(n)) },
    { title: 'screenshots and graphics', names: names.filter((n) => synthetic.has(n)) },
  ].filter((g) => g.names.length);
  for (const group of groups) summary(lines, rows.filter((r) => group.names.includes(r.image)), `The ${group.names.length} ${group.title} together (${group.names.join(', ')})`);
  for (const name of names) {
    const mine = rows.filter((r) => r.image === name);
    const { width, height, kind, source } = mine[0];
    lines.push(`### ${name}: ${kind}, ${width}×${height}`, '', `Source: \`${source}\`.`, '');
    lines.push('| encoder | effort | bytes | bits/pixel | SSIMULACRA2 | SSIM | encode ms (runs: min–max) |');
    lines.push('|---|---|--:|--:|--:|--:|--:|');
    for (const r of mine) {
      if (r.error) {
        lines.push(`| ${r.encoder} | ${r.effort} | failed: ${r.error.replaceAll('|', '/')} | | | | |`);
        continue;
      }
      const notes = [];
      if (r.sizesDiffer) notes.push('size varied between runs');
      const asked = r.options?.encode?.encoding;
      const fixed = asked?.quality?.tag === 'fixed' ? asked.quality.val : asked?.jpeg?.quality;
      if (r.lossy && r.quality !== undefined && r.quality !== fixed) notes.push(`q${r.quality}`);
      if (r.engineScore?.ssimulacra2 !== undefined) notes.push(`its own SSIMULACRA2 ${fmt.s2(r.engineScore.ssimulacra2)}`);
      const flags = notes.length ? ` (${notes.join('; ')})` : '';
      lines.push(
        `| ${r.encoder}${flags} | ${r.effort} | ${fmt.int(r.bytes)} | ${((r.bytes * 8) / (width * height)).toFixed(2)} | ${fmt.s2(r.ssimulacra2)} | ${fmt.ssim(r.ssim)} | ${fmt.ms(r.encodeMs)} (${fmt.ms(Math.min(...r.times))}–${fmt.ms(Math.max(...r.times))}) |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}

/** docs/codecs.md with its generated part (between the two markers) replaced; the rest of the
 *  file is written by hand (the encoders' settings, findings) and kept. */
function doc(meta, tables, photos, synthetic) {
  const [begin, end] = ['<!-- codec table: generated by tests/bench/codecs.mjs -->', '<!-- end of codec table -->'];
  const generated = `${begin}\n${table(meta, tables, photos, synthetic)}\n${end}`;
  let current = '';
  try {
    current = readFileSync(DOC, 'utf8');
  } catch {}
  const [at, until] = [current.indexOf(begin), current.indexOf(end)];
  if (at < 0 || until < at) return `# Codecs\n\n${generated}\n`;
  return current.slice(0, at) + generated + current.slice(until + end.length);
}

function table(meta, tables, photos, synthetic) {
  return `## The codec table

Generated by \`tests/bench/codecs.mjs\`; do not edit by hand. Remake it with:

\`\`\`sh
${COMMAND}
\`\`\`

This run:

- ${meta.date}, ${meta.browser}, ${meta.cores} cores shared with other work: encode times vary
  from run to run by up to half or more; sizes and scores do not vary.
- Load (\`uptime\`) before: \`${meta.loadBefore}\`; after: \`${meta.loadAfter}\`.
- localpix's encode options API: \`${meta.api}\`; jSquash: \`@jsquash/jpeg\` ${meta.versions['@jsquash/jpeg']},
  \`@jsquash/png\` ${meta.versions['@jsquash/png']}, \`@jsquash/oxipng\` ${meta.versions['@jsquash/oxipng']}.

## What is measured

- **Images.** ${photos.length} photos from \`../shared/corpus\` (credits in its README):
  ${photos.map((p) => `${p.name} (\`${p.file}\`)`).join(', ')}; and ${synthetic.length} synthetic
  graphics the harness draws as SVG and Chromium renders at 1920×1080 (${synthetic.map((s) => s.name).join(', ')}:
  flat colours, text, thin lines). Text is set in the fonts the machine has, so these two are
  the same run to run on one machine, not necessarily across machines.
- **The reference pixels.** Each image is resized once to 1920 px wide by localpix (the
  component in Node: Lanczos3, \`fit-width\` 1920) and kept as a lossless PNG. Every encoder gets
  exactly these RGBA pixels: Chromium's through \`putImageData\` on an \`OffscreenCanvas\`,
  jSquash's as an \`ImageData\`, localpix's by decoding that PNG (\`imaging.Image.decode\`, untimed)
  and calling \`.encode()\`.
- **Encoders**, all in one headless Chromium page, one thread: localpix (the jco component, wasm);
  Chromium's own \`OffscreenCanvas.convertToBlob\` (native code, which may run off the page's
  thread: wall time); Squoosh's codecs as jSquash packages them (wasm, single-threaded): MozJPEG
  with Squoosh's defaults (progressive, trellis quantisation; its files are 4:2:2, H2V1, as Pillow reads them) and baseline, the png crate
  encoder, OxiPNG at levels 1 and 2 (Squoosh's default). Level 3, tried once on these images
  (2026-11-26), wrote 0–0.9% fewer bytes than level 2 (once 0.06% more) in 2–4 times its time,
  so it is left out.
- **Encode time**: \`performance.now()\` around the encode call alone; one untimed run first, then
  the median of ${meta.runs} rounds, each round running every encoder once in turn. Milliseconds.
- **Scores**, by \`tests/bench/score.py\`, independent of every encoder: candidates are decoded by
  Pillow (libjpeg-turbo, libpng, libwebp); **SSIMULACRA2** by PyPI's \`ssimulacra2\` 0.3.0 (100 =
  identical; about 90 is visually lossless, 70 high, 50 medium quality); **SSIM** on luma
  (Y' = 0.299 R' + 0.587 G' + 0.114 B'), 11×11 Gaussian window with σ 1.5, K1 0.01, K2 0.03, mean
  over the pixels whose window lies inside the image. Alpha, where there is any, is laid on white
  first (in patak only a few pixels are not opaque). Checked once against the Rust crate
  \`ssimulacra2\` 0.5.1 on some of these files: the two agreed within 1.5 points.
- Files: \`target/bench/codecs/IMAGE/\` holds the reference, every output and what Pillow decoded
  from it; \`target/bench/codecs/rows.json\` every row, with each run's time.

## Results

${tables}
`;
}

// --- The synthetic images ----------------------------------------------------------------------

/** A deterministic pseudo-random sequence (an LCG), so each run draws the same picture. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const escapeXml = (s) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** A file-manager-like app window: title bar, sidebar, toolbar, a table of files, a side panel. */
function screenshotSvg() {
  const rand = random(10);
  const font = "font-family='DejaVu Sans, Liberation Sans, sans-serif'";
  const parts = [];
  const text = (x, y, s, { size = 14, fill = '#374151', weight = 'normal', anchor = 'start' } = {}) =>
    parts.push(`<text x='${x}' y='${y}' font-size='${size}' fill='${fill}' font-weight='${weight}' text-anchor='${anchor}' ${font}>${escapeXml(s)}</text>`);
  parts.push(`<rect width='1920' height='1080' fill='#f3f4f6'/>`);
  // Title bar.
  parts.push(`<rect width='1920' height='40' fill='#1f2937'/>`);
  ['#ef4444', '#f59e0b', '#22c55e'].forEach((c, i) => parts.push(`<circle cx='${22 + i * 22}' cy='20' r='7' fill='${c}'/>`));
  text(960, 26, 'localpix — Batch of 17 photos — Resize to 1920 px, JPEG quality 80, strip metadata', { fill: '#e5e7eb', anchor: 'middle' });
  // Sidebar.
  parts.push(`<rect y='40' width='260' height='1016' fill='#ffffff'/><rect x='259' y='40' width='1' height='1016' fill='#e5e7eb'/>`);
  text(24, 82, 'LOCALPIX', { size: 13, fill: '#6b7280', weight: 'bold' });
  ['Files', 'Resize', 'Format', 'Metadata', 'Privacy', 'Compare', 'Downloads', 'Settings', 'Help', 'About'].forEach((item, i) => {
    const y = 104 + i * 44;
    if (i === 0) parts.push(`<rect x='12' y='${y}' width='236' height='36' rx='6' fill='#dbeafe'/>`);
    parts.push(`<rect x='28' y='${y + 10}' width='16' height='16' rx='3' fill='${i === 0 ? '#2563eb' : '#9ca3af'}'/>`);
    text(56, y + 24, item, { size: 15, fill: i === 0 ? '#1d4ed8' : '#374151', weight: i === 0 ? 'bold' : 'normal' });
  });
  text(24, 1010, 'No image leaves this device.', { size: 12, fill: '#6b7280' });
  // Toolbar.
  parts.push(`<rect x='260' y='40' width='1660' height='64' fill='#ffffff'/><rect x='260' y='103' width='1660' height='1' fill='#e5e7eb'/>`);
  [['Add photos', 140, true], ['Download all (ZIP)', 190, true], ['Save to folder', 160, false], ['Clear', 90, false]].reduce((x, [label, w, primary]) => {
    parts.push(`<rect x='${x}' y='54' width='${w}' height='36' rx='6' fill='${primary ? '#2563eb' : '#ffffff'}' stroke='${primary ? '#2563eb' : '#d1d5db'}'/>`);
    text(x + w / 2, 77, label, { fill: primary ? '#ffffff' : '#111827', anchor: 'middle', weight: 'bold' });
    return x + w + 12;
  }, 284);
  text(1896, 77, 'Saved 41.8 MB of 52.3 MB (80%)', { fill: '#065f46', anchor: 'end', weight: 'bold' });
  // The table of files.
  const columns = [['', 300], ['Name', 344], ['Dimensions', 640], ['Original', 800], ['Result', 920], ['Saving', 1040], ['Private data', 1150], ['State', 1360]];
  parts.push(`<rect x='284' y='124' width='1180' height='908' rx='8' fill='#ffffff' stroke='#e5e7eb'/>`);
  columns.forEach(([label, x]) => text(x, 156, label, { size: 13, fill: '#6b7280', weight: 'bold' }));
  parts.push(`<rect x='284' y='168' width='1180' height='1' fill='#e5e7eb'/>`);
  const thumbColours = ['#60a5fa', '#34d399', '#fbbf24', '#f87171', '#a78bfa', '#f472b6', '#38bdf8', '#a3e635'];
  for (let i = 0; i < 17; i++) {
    const y = 169 + i * 48;
    if (i % 2) parts.push(`<rect x='285' y='${y}' width='1178' height='48' fill='#f9fafb'/>`);
    const c = thumbColours[i % thumbColours.length];
    parts.push(`<rect x='300' y='${y + 8}' width='32' height='32' rx='4' fill='${c}'/><polygon points='302,${y + 38} 314,${y + 24} 322,${y + 32} 326,${y + 28} 330,${y + 38}' fill='#ffffff' opacity='0.8'/>`);
    const w = 3000 + Math.floor(rand() * 3000);
    const h = Math.floor(w * (0.55 + rand() * 0.2));
    const original = 2 + rand() * 9;
    const saving = 0.72 + rand() * 0.2;
    text(344, y + 30, `IMG_2024061${i % 10}_${String(140000 + Math.floor(rand() * 9999)).padStart(6, '0')}.jpg`);
    text(640, y + 30, `${w} × ${h}`);
    text(800, y + 30, `${original.toFixed(1)} MB`);
    text(920, y + 30, `${((original * (1 - saving)) * 1000).toFixed(0)} KB`);
    text(1040, y + 30, `−${(saving * 100).toFixed(0)}%`, { fill: '#047857' });
    text(1150, y + 30, i % 3 === 0 ? 'GPS, serial number' : i % 3 === 1 ? 'camera details' : 'none', { fill: i % 3 === 0 ? '#b91c1c' : '#374151' });
    const state = i < 14 ? ['done', '#dcfce7', '#166534'] : i === 14 ? ['encoding', '#fef3c7', '#92400e'] : ['waiting', '#e5e7eb', '#374151'];
    parts.push(`<rect x='1360' y='${y + 12}' width='84' height='24' rx='12' fill='${state[1]}'/>`);
    text(1402, y + 29, state[0], { size: 13, fill: state[2], anchor: 'middle', weight: 'bold' });
  }
  // Side panel: settings and a paragraph of small text.
  parts.push(`<rect x='1484' y='124' width='412' height='908' rx='8' fill='#ffffff' stroke='#e5e7eb'/>`);
  text(1504, 160, 'Settings for this batch', { size: 17, fill: '#111827', weight: 'bold' });
  [['Resize', 'Fit within 1920 × 1920'], ['Filter', 'Lanczos3'], ['Format', 'JPEG'], ['Quality', '80'], ['Metadata', 'Strip all'], ['Largest file', 'no limit']].forEach(([k, v], i) => {
    const y = 196 + i * 60;
    text(1504, y, k, { size: 13, fill: '#6b7280' });
    parts.push(`<rect x='1504' y='${y + 8}' width='372' height='32' rx='5' fill='#ffffff' stroke='#d1d5db'/>`);
    text(1516, y + 30, v, { size: 14, fill: '#111827' });
  });
  parts.push(`<rect x='1504' y='568' width='372' height='6' rx='3' fill='#e5e7eb'/><rect x='1504' y='568' width='298' height='6' rx='3' fill='#2563eb'/>`);
  const words = 'Every photo is processed on this device by a WebAssembly engine running in a pool of workers. Results are smaller, upright and stripped of the private data cameras and phones write into them: GPS positions, serial numbers, names and captions. Compare shows a result against its original with a slider, at fit or at one hundred percent.'.split(' ');
  let line = '';
  let y = 610;
  for (const word of words) {
    if ((line + word).length > 52) {
      text(1504, y, line.trim(), { size: 13, fill: '#4b5563' });
      y += 20;
      line = '';
    }
    line += `${word} `;
  }
  text(1504, y, line.trim(), { size: 13, fill: '#4b5563' });
  // Status bar.
  parts.push(`<rect y='1056' width='1920' height='24' fill='#2563eb'/>`);
  text(12, 1073, 'Ready · 14 of 17 done · 4 workers · Works offline', { size: 12, fill: '#ffffff' });
  return `<svg xmlns='http://www.w3.org/2000/svg' width='1920' height='1080' viewBox='0 0 1920 1080'>${parts.join('')}</svg>`;
}

/** A dashboard: a bar chart, a line chart with a legend, and a flow diagram with arrows. */
function chartSvg() {
  const rand = random(20);
  const font = "font-family='DejaVu Sans, Liberation Sans, sans-serif'";
  const parts = [];
  const text = (x, y, s, { size = 14, fill = '#374151', weight = 'normal', anchor = 'start', rotate } = {}) =>
    parts.push(
      `<text x='${x}' y='${y}' font-size='${size}' fill='${fill}' font-weight='${weight}' text-anchor='${anchor}' ${rotate ? `transform='rotate(${rotate} ${x} ${y})'` : ''} ${font}>${escapeXml(s)}</text>`,
    );
  parts.push(`<rect width='1920' height='1080' fill='#ffffff'/>`);
  text(60, 64, 'Encoded size by format and quality', { size: 30, fill: '#111827', weight: 'bold' });
  text(60, 96, 'Median of 7 runs on 1920 × 1080 photos; lower is better. Figures are illustrative.', { size: 16, fill: '#6b7280' });
  // Bar chart.
  const [bx, by, bw, bh] = [120, 140, 760, 480];
  const colours = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626'];
  for (let i = 0; i <= 5; i++) {
    const y = by + bh - (i * bh) / 5;
    parts.push(`<line x1='${bx}' y1='${y}' x2='${bx + bw}' y2='${y}' stroke='${i ? '#e5e7eb' : '#374151'}' stroke-width='1'/>`);
    text(bx - 12, y + 5, `${i * 100} KB`, { size: 13, fill: '#6b7280', anchor: 'end' });
  }
  const groups = ['q50', 'q60', 'q70', 'q80', 'q90', 'q95'];
  groups.forEach((g, gi) => {
    const gx = bx + 20 + gi * (bw / groups.length);
    colours.forEach((c, ci) => {
      const v = (60 + gi * 55) * (0.7 + ci * 0.15) * (0.9 + rand() * 0.2);
      const h = Math.min(bh, (v / 500) * bh);
      parts.push(`<rect x='${gx + ci * 26}' y='${(by + bh - h).toFixed(1)}' width='22' height='${h.toFixed(1)}' fill='${c}'/>`);
    });
    text(gx + 50, by + bh + 24, g, { size: 14, anchor: 'middle' });
  });
  text(bx - 78, by + bh / 2, 'output size', { size: 14, fill: '#374151', anchor: 'middle', rotate: -90 });
  ['localpix', 'Chromium', 'MozJPEG', 'OxiPNG'].forEach((name, i) => {
    parts.push(`<rect x='${bx + 20 + i * 150}' y='${by + bh + 48}' width='14' height='14' fill='${colours[i]}'/>`);
    text(bx + 42 + i * 150, by + bh + 60, name, { size: 14 });
  });
  // Line chart.
  const [lx, ly, lw, lh] = [1040, 140, 800, 480];
  parts.push(`<rect x='${lx}' y='${ly}' width='${lw}' height='${lh}' fill='#f9fafb' stroke='#d1d5db'/>`);
  for (let i = 1; i < 8; i++) parts.push(`<line x1='${lx + (i * lw) / 8}' y1='${ly}' x2='${lx + (i * lw) / 8}' y2='${ly + lh}' stroke='#e5e7eb' stroke-dasharray='4 4'/>`);
  for (let i = 1; i < 6; i++) parts.push(`<line x1='${lx}' y1='${ly + (i * lh) / 6}' x2='${lx + lw}' y2='${ly + (i * lh) / 6}' stroke='#e5e7eb' stroke-dasharray='4 4'/>`);
  ['JPEG', 'WebP', 'AVIF'].forEach((name, si) => {
    const points = [];
    for (let i = 0; i <= 40; i++) {
      const x = lx + (i * lw) / 40;
      const base = lh * (0.85 - 0.6 * (1 - Math.exp(-i / (8 + si * 4)))) + si * 30;
      points.push(`${x.toFixed(1)},${(ly + base + (rand() - 0.5) * 18).toFixed(1)}`);
    }
    parts.push(`<polyline points='${points.join(' ')}' fill='none' stroke='${colours[si]}' stroke-width='${2 + si}' stroke-linejoin='round'/>`);
    parts.push(`<rect x='${lx + lw - 210}' y='${ly + 20 + si * 28}' width='18' height='4' fill='${colours[si]}'/>`);
    text(lx + lw - 184, ly + 28 + si * 28, `${name} (SSIMULACRA2)`, { size: 13 });
  });
  for (let i = 0; i <= 6; i++) text(lx - 10, ly + lh - (i * lh) / 6 + 5, `${40 + i * 10}`, { size: 13, fill: '#6b7280', anchor: 'end' });
  for (let i = 0; i <= 8; i++) text(lx + (i * lw) / 8, ly + lh + 22, (i * 0.5).toFixed(1), { size: 13, fill: '#6b7280', anchor: 'middle' });
  text(lx + lw / 2, ly + lh + 48, 'bits per pixel →', { size: 14, anchor: 'middle' });
  // Flow diagram.
  const steps = ['File', 'Decode', 'Orient', 'Resize', 'Encode', 'Strip metadata', 'Blob'];
  const dy = 760;
  steps.forEach((s, i) => {
    const x = 60 + i * 262;
    parts.push(`<rect x='${x}' y='${dy}' width='200' height='84' rx='12' fill='${i % 2 ? '#eff6ff' : '#f0fdf4'}' stroke='${i % 2 ? '#2563eb' : '#16a34a'}' stroke-width='2'/>`);
    text(x + 100, dy + 40, s, { size: 18, fill: '#111827', anchor: 'middle', weight: 'bold' });
    text(x + 100, dy + 64, `step ${i + 1}`, { size: 13, fill: '#6b7280', anchor: 'middle' });
    if (i < steps.length - 1) {
      parts.push(`<line x1='${x + 204}' y1='${dy + 42}' x2='${x + 254}' y2='${dy + 42}' stroke='#374151' stroke-width='2'/>`);
      parts.push(`<polygon points='${x + 258},${dy + 42} ${x + 248},${dy + 36} ${x + 248},${dy + 48}' fill='#374151'/>`);
    }
  });
  parts.push(`<path d='M 1732 ${dy + 88} C 1732 1010, 160 1010, 160 ${dy + 90}' fill='none' stroke='#9ca3af' stroke-width='2' stroke-dasharray='8 6'/>`);
  text(960, 1000, 'the next file reuses the worker; no image leaves the device', { size: 15, fill: '#6b7280', anchor: 'middle' });
  return `<svg xmlns='http://www.w3.org/2000/svg' width='1920' height='1080' viewBox='0 0 1920 1080'>${parts.join('')}</svg>`;
}

// Run when invoked, not when imported (the localpix section can be checked on its own).
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
