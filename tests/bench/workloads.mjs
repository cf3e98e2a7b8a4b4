// `make bench`: issue 12's workloads W1–W4 in one interleaved run in headless Chromium, each path
// taking its turn within every run so that a change in the shared machine's load falls on all alike:
//   localpix   the app's own WorkerPool (app/js/bridge.js + worker.js, the jco component), 1 worker
//              and 2 (which decode one large JPEG in halves, and share a batch)
//   browser    Chromium's createImageBitmap (resizeQuality 'high') + OffscreenCanvas.convertToBlob
//   pica       pica's Lanczos3 in its workers and wasm, the canvas encodes
//   jSquash    Squoosh's codecs: decode, resize (lanczos3), encode, on the page's thread
// and the native build of the same engine (core-component/examples/bench.rs, one thread) beside
// them. Medians of RUNS runs (default 5), output bytes, the peak resident memory of the renderer
// per path and workload (one fresh tab each, MEMORY=0 skips it), the load before and after;
// ONLY=W4 (or W1,W3…) runs some workloads.
// Prints the table and writes target/bench/workloads.json. Needs ../shared/corpus.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { serveDir } from '../../tools/serve.mjs';
import { launch } from '../support/browser.mjs';
import { ROOT, corpusPath } from '../support/files.mjs';
import { rendererMemoryMb, rendererPids } from '../support/memory.mjs';
import { poolSite } from '../support/pool-site.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
const MEMORY = process.env.MEMORY !== '0';
const NATIVE = join(ROOT, 'target/release/examples/bench');

/** Output size of a WxH photo for a resize mode, as the engine rounds it. */
function outSize(name, mode) {
  const [, w, h] = name.match(/(\d+)x(\d+)/).map(Number);
  const width = mode.tag === 'fit-width' ? mode.val : Math.min(mode.val.width, Math.round((w * mode.val.height) / h), w);
  const scale = width / w;
  return { width, height: Math.max(1, Math.round(h * scale)) };
}
const fitWidth = (val) => ({ tag: 'fit-width', val });
const WORKLOADS = [
  { id: 'W1', label: 'W1 20 MP JPEG → fit 1920, JPEG q80', files: ['kleiber-6028x3391.jpg'], mode: { tag: 'fit-within', val: { width: 1920, height: 1920 } }, format: 'jpeg' },
  { id: 'W2', label: 'W2 24 MP JPEG → 1920 wide, JPEG q80', files: ['painting-6000x4000.jpg'], mode: fitWidth(1920), format: 'jpeg' },
  { id: 'W3', label: 'W3 5120×2880 RGBA PNG → 1280 wide, PNG', files: ['patak-5120x2880-rgba.png'], mode: fitWidth(1280), format: 'png' },
  {
    id: 'W4',
    label: 'W4 four JPEGs → 1280 wide, one batch',
    files: ['kleiber-6028x3391.jpg', 'painting-6000x4000.jpg', 'volna-5120x2880.jpg', 'path-2560x1600.jpg'],
    mode: fitWidth(1280),
    format: 'jpeg',
  },
]
  .filter((w) => !process.env.ONLY || process.env.ONLY.split(',').includes(w.id))
  .map((w) => ({ ...w, jobs: w.files.map((name) => ({ name, mode: w.mode, format: w.format, out: outSize(name, w.mode) })) }));

// Each path: the page's function and its options. localpix with 2 workers (the app's pool on a
// 2-core device): a batch shares them, and one large JPEG is decoded in halves by both.
const PATHS = [
  { id: 'browser', label: "browser's own path", fn: 'browser' },
  { id: 'localpix-1', label: 'localpix (app pool, 1 worker)', fn: 'localpix', workers: 1 },
  { id: 'localpix-2', label: 'localpix (app pool, 2 workers)', fn: 'localpix', workers: 2 },
  { id: 'pica', label: 'pica 10 (lanczos3, workers + wasm)', fn: 'pica' },
  { id: 'jsquash', label: 'jSquash (decode, resize lanczos3, encode)', fn: 'jsquash' },
];

const missing = [...new Set(WORKLOADS.flatMap((w) => w.files))].filter((name) => !corpusPath(name));
if (missing.length) {
  console.error(`SKIPPED: ${missing.join(', ')} not in the corpus; nothing to measure.`);
  process.exit(0);
}

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The bench page's directory: the app's worker glue as the app ships it, the engine, pica,
 *  jSquash and the photos. */
function site() {
  const dir = poolSite('localpix-workloads-');
  cpSync(join(ROOT, 'node_modules/pica/dist'), join(dir, 'pica'), { recursive: true });
  for (const codec of ['jpeg', 'png', 'resize']) cpSync(join(ROOT, 'node_modules/@jsquash', codec), join(dir, 'jsquash', codec), { recursive: true });
  copyFileSync(join(ROOT, 'tests/bench/workloads-page.mjs'), join(dir, 'page.mjs'));
  mkdirSync(join(dir, 'photos'));
  for (const w of WORKLOADS) for (const name of w.files) copyFileSync(corpusPath(name), join(dir, 'photos', name));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>workloads</title><script type="module" src="page.mjs"></script>');
  return dir;
}

async function openPage(context, url) {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.bench);
  await page.evaluate((names) => window.bench.prepare(names), [...new Set(WORKLOADS.flatMap((w) => w.files))]);
  return page;
}

/** The resident memory (MB) of the largest renderer: during a job, the tab's own (with its
 *  workers), not Chromium's idle spare one or the first blank tab. */
const largestRendererMb = () => Math.max(0, ...rendererPids().map((pid) => rendererMemoryMb([pid])));

/** One path on one workload: milliseconds, output bytes, and the renderer's peak if `sample`. */
async function once(page, path, workload, options, sample = false) {
  await page.evaluate(([fn, workers]) => window.bench.warm(fn, { workers }), [path.fn, path.workers]);
  let peak = 0;
  const timer = sample ? setInterval(() => (peak = Math.max(peak, largestRendererMb())), 25) : null;
  const t0 = performance.now();
  const bytes = await page.evaluate(([fn, jobs, opts]) => window.bench[fn](jobs, opts), [path.fn, workload.jobs, { options, workers: path.workers }]);
  const ms = performance.now() - t0;
  if (timer) {
    clearInterval(timer);
    peak = Math.max(peak, largestRendererMb());
  }
  return { ms, bytes: bytes.reduce((a, b) => a + b, 0), peak };
}

function native(workload) {
  if (!existsSync(NATIVE)) return null;
  const arg = workload.mode.tag === 'fit-width' ? `width:${workload.mode.val}` : `fit:${workload.mode.val.width}:${workload.mode.val.height}`;
  let total = 0;
  let bytes = 0;
  for (const name of workload.files) {
    const r = JSON.parse(execFileSync(NATIVE, [corpusPath(name), arg, workload.format, String(RUNS)], { encoding: 'utf8' }));
    total += r.total;
    bytes += r.bytes;
  }
  return { ms: total, bytes };
}

const options = imaging.defaultOptions(); // the app's defaults: Lanczos3, quality 80, metadata stripped
const before = { uptime: uptime(), load: loadavg() };
const dir = site();
const server = await serveDir(dir);
const url = server.url;
const context = await launch();
const times = {}; // `${workload}/${path}` -> [ms]
const bytes = {};
const peaks = {};
const applies = (path, w) => !path.only || path.only.includes(w.id);
let userAgent;
try {
  const page = await openPage(context, url);
  userAgent = await page.evaluate(() => navigator.userAgent);
  // One untimed round loads every codec and worker.
  for (const w of WORKLOADS) for (const path of PATHS.filter((p) => applies(p, w))) await once(page, path, w, options);
  for (let run = 0; run < RUNS; run++) {
    for (const w of WORKLOADS) {
      // The paths' order turns with each run, so none always follows the same neighbour.
      const paths = PATHS.filter((p) => applies(p, w));
      const turned = paths.slice(run % paths.length).concat(paths.slice(0, run % paths.length));
      for (const path of turned) {
        const key = `${w.id}/${path.id}`;
        const r = await once(page, path, w, options);
        (times[key] ??= []).push(r.ms);
        bytes[key] = r.bytes;
      }
    }
    process.stderr.write(`run ${run + 1}/${RUNS} done\n`);
  }
  await page.close();
  if (MEMORY) {
    // A fresh tab per path and workload: WebAssembly memory only grows, so a tab that ran another
    // path or workload first would report that one's peak.
    for (const w of WORKLOADS) {
      for (const path of PATHS.filter((p) => applies(p, w))) {
        const fresh = await openPage(context, url);
        await once(fresh, path, w, options); // loads the codecs, so the peak is the job's own
        peaks[`${w.id}/${path.id}`] = (await once(fresh, path, w, options, true)).peak;
        await fresh.close();
      }
    }
  }
} finally {
  await context.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
const nativeResults = Object.fromEntries(WORKLOADS.map((w) => [w.id, native(w)]));
const after = { uptime: uptime(), load: loadavg() };

const results = WORKLOADS.map((w) => ({
  workload: w.id,
  label: w.label,
  files: w.files,
  paths: Object.fromEntries(
    PATHS.filter((p) => applies(p, w)).map((p) => {
      const key = `${w.id}/${p.id}`;
      return [p.id, { medianMs: median(times[key]), runsMs: times[key], bytes: bytes[key], peakRendererMb: peaks[key] ?? null }];
    }),
  ),
  native: nativeResults[w.id],
}));
const report = { date: new Date().toISOString(), runs: RUNS, userAgent, before, after, results };
mkdirSync(join(ROOT, 'target/bench'), { recursive: true });
const out = `target/bench/workloads${process.env.ONLY ? `-${process.env.ONLY.replace(/,/g, '-')}` : ''}.json`;
writeFileSync(join(ROOT, out), JSON.stringify(report, null, 2));

const f = (x) => (x == null ? '–' : Math.round(x).toString());
console.log(`\n${userAgent.match(/Chrome\/[\d.]+/)[0]}, headless; medians of ${RUNS} interleaved runs, ms (output bytes; peak renderer MB); ratio = localpix ÷ the browser's path.`);
console.log(`before: ${before.uptime}\nafter:  ${after.uptime}\n`);
console.log("| workload | browser's own path | localpix, 1 worker | localpix, 2 workers | ratio | pica | jSquash | native (1 thread) |");
console.log('|---|--:|--:|--:|--:|--:|--:|--:|');
for (const r of results) {
  const cell = (id) => {
    const p = r.paths[id];
    return p ? `${f(p.medianMs)} (${p.bytes} B${p.peakRendererMb ? `; ${f(p.peakRendererMb)} MB` : ''})` : '–';
  };
  const best = Math.min(...['localpix-1', 'localpix-2'].filter((id) => r.paths[id]).map((id) => r.paths[id].medianMs));
  const ratio = (best / r.paths.browser.medianMs).toFixed(2);
  console.log(`| ${r.label} | ${cell('browser')} | ${cell('localpix-1')} | ${cell('localpix-2')} | **${ratio}×** | ${cell('pica')} | ${cell('jsquash')} | ${r.native ? `${f(r.native.ms)} (${r.native.bytes} B)` : '–'} |`);
}
console.log(`\nwrote ${out}`);
