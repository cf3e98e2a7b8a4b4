// A session's first photos: the time of the first, second and third job on a freshly started
// browser, after a pause like a person's choosing files (3 s), for the app's pool with its warm-up
// (app/js/worker.js, `warmUp`), the same pool without it, and the browser's own path
// (createImageBitmap with resizeQuality 'high' + OffscreenCanvas.convertToBlob). A new Chromium
// for every measurement (V8 shares compiled WebAssembly, optimised code included, within a
// renderer process), the three taking turns. Medians of RUNS rounds (default 3) for issue 12's
// W1, W2 and W3. WORKERS=2 gives the pool two workers (a large JPEG is then decoded in halves);
// ONLY=W1 (or W1,W3) measures some workloads.
// `node tests/bench/first-photo.mjs`; writes target/bench/first-photo.json. Needs ../shared/corpus.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { serveDir } from '../../tools/serve.mjs';
import { launch } from '../support/browser.mjs';
import { ROOT, corpusPath } from '../support/files.mjs';
import { poolSite } from '../support/pool-site.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
const WORKERS = Number(process.env.WORKERS ?? 1);
const PAUSE_MS = 3000;
const JOBS = 3;
const ALL = [
  { id: 'W1', name: 'kleiber-6028x3391.jpg', mode: { tag: 'fit-within', val: { width: 1920, height: 1920 } }, out: { width: 1920, height: 1080 }, format: 'jpeg' },
  { id: 'W2', name: 'painting-6000x4000.jpg', mode: { tag: 'fit-width', val: 1920 }, out: { width: 1920, height: 1280 }, format: 'jpeg' },
  { id: 'W3', name: 'patak-5120x2880-rgba.png', mode: { tag: 'fit-width', val: 1280 }, out: { width: 1280, height: 720 }, format: 'png' },
];
const WORKLOADS = ALL.filter((w) => !process.env.ONLY || process.env.ONLY.split(',').includes(w.id));
const PATHS = ['localpix, warmed up', 'localpix, cold', "browser's own path"];

const missing = WORKLOADS.map((w) => w.name).filter((name) => !corpusPath(name));
if (missing.length) {
  console.error(`SKIPPED: ${missing.join(', ')} not in the corpus; nothing to measure.`);
  process.exit(0);
}

const dir = poolSite('localpix-first-photo-');
mkdirSync(join(dir, 'photos'));
for (const { name } of WORKLOADS) copyFileSync(corpusPath(name), join(dir, 'photos', name));
writeFileSync(
  join(dir, 'page.mjs'),
  `import { WorkerPool } from './bridge.js';
const pause = () => new Promise((resolve) => setTimeout(resolve, ${PAUSE_MS}));
const read = async (name) => new File([await (await fetch('photos/' + name)).blob()], name, { type: name.endsWith('.png') ? 'image/png' : 'image/jpeg' });
window.localpix = async (name, options, warmUp) => {
  const pool = new WorkerPool(${WORKERS}, { warmUp });
  await pool.ready;
  const file = await read(name);
  await pause();
  const times = [];
  for (let i = 0; i < ${JOBS}; i++) {
    const t0 = performance.now();
    await pool.run(i + 1, file, options, () => {});
    times.push(performance.now() - t0);
  }
  // The warm-up's own time (worker.js), when it ran: done within the pause.
  const warmed = await Promise.race([pool.warmedUp, new Promise((resolve) => setTimeout(() => resolve(null), 0))]);
  return { times, warmUpMs: warmed?.ms ?? null };
};
window.browser = async (name, out, type) => {
  const file = await read(name);
  await pause();
  const times = [];
  for (let i = 0; i < ${JOBS}; i++) {
    const t0 = performance.now();
    const bitmap = await createImageBitmap(file, { resizeWidth: out.width, resizeHeight: out.height, resizeQuality: 'high' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d').drawImage(bitmap, 0, 0);
    bitmap.close();
    await canvas.convertToBlob({ type, quality: 0.8 });
    times.push(performance.now() - t0);
  }
  return { times, warmUpMs: null };
};`,
);
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>first photo</title><script type="module" src="page.mjs"></script>');
const server = await serveDir(dir);

/** One path's first JOBS jobs on workload `w`, in a browser of its own. */
async function once(path, w) {
  const context = await launch();
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => window.localpix);
    if (path === PATHS[2]) return await page.evaluate(([name, out, type]) => window.browser(name, out, type), [w.name, w.out, `image/${w.format}`]);
    const options = imaging.defaultOptions();
    options.resize.mode = w.mode;
    options.encode.encoding.format = w.format;
    return await page.evaluate(([name, options, warm]) => window.localpix(name, options, warm), [w.name, options, path === PATHS[0]]);
  } finally {
    await context.close();
  }
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadBefore = loadavg();
const runs = {}; // `${workload}/${path}` -> [{ times: [ms × JOBS], warmUpMs } per round]
for (let round = 0; round < RUNS; round++) {
  for (const w of WORKLOADS) {
    // Each round starts with another path, so that none always follows a browser's exit.
    for (let k = 0; k < PATHS.length; k++) {
      const path = PATHS[(k + round) % PATHS.length];
      (runs[`${w.id}/${path}`] ??= []).push(await once(path, w));
    }
  }
  console.error(`round ${round + 1}/${RUNS} done`);
}
await server.close?.();
rmSync(dir, { recursive: true, force: true });

console.log(`\nMedians of ${RUNS} rounds, ms, each in a fresh headless Chromium, after a ${PAUSE_MS / 1000} s pause; load ${loadBefore.map((l) => l.toFixed(2)).join(' ')} → ${loadavg().map((l) => l.toFixed(2)).join(' ')}.\n`);
console.log('| workload | path | 1st photo | 2nd | 3rd | warm-up (in the pause) |');
console.log('|---|---|--:|--:|--:|--:|');
const results = [];
for (const w of WORKLOADS) {
  for (const path of PATHS) {
    const rounds = runs[`${w.id}/${path}`];
    const medians = Array.from({ length: JOBS }, (_, j) => median(rounds.map((r) => r.times[j])));
    const warmUps = rounds.map((r) => r.warmUpMs).filter((ms) => ms !== null);
    const warmUp = warmUps.length ? median(warmUps) : null;
    results.push({ workload: w.id, file: w.name, path, medians, warmUpMs: warmUp, rounds });
    console.log(`| ${w.id} | ${path} | ${medians.map((m) => m.toFixed(0)).join(' | ')} | ${warmUp === null ? '' : warmUp.toFixed(0)} |`);
  }
}
mkdirSync(join(ROOT, 'target/bench'), { recursive: true });
writeFileSync(join(ROOT, 'target/bench/first-photo.json'), JSON.stringify({ date: new Date().toISOString(), runs: RUNS, load: { before: loadBefore, after: loadavg() }, results }, null, 2));
console.log('\nwrote target/bench/first-photo.json');
process.exit(0);
