// `make bench`, in the browser: the component (jco, as the app ships it) in headless Chromium against
// Chromium's own path for the same job, createImageBitmap (resizeQuality "high") + OffscreenCanvas
// convertToBlob, for kleiber (20 MP JPEG) → fit 1920, JPEG q80. Medians of RUNS runs, the paths
// taking turns, one tab, on the page's thread (a worker runs the same code at the same speed).
// Needs the corpus.
import { copyFileSync, cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { serveDir } from '../../tools/serve.mjs';
import { launch } from '../support/browser.mjs';
import { corpusPath, ROOT, scratchDir } from '../support/files.mjs';

const RUNS = Number(process.env.RUNS ?? 7);
const photo = corpusPath('kleiber-6028x3391.jpg');
if (!photo) {
  console.error('SKIPPED: kleiber-6028x3391.jpg is not in the corpus; nothing to measure in the browser.');
  process.exit(0);
}

const dir = scratchDir('localpix-bench-');
cpSync(join(ROOT, 'target/component/js'), join(dir, 'component'), { recursive: true });
copyFileSync(photo, join(dir, 'photo.jpg'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>bench</title>');
const server = await serveDir(dir);
const context = await launch();
try {
  const page = await context.newPage();
  await page.goto(server.url);
  const result = await page.evaluate(async (runs) => {
    // The browser build is jco's `--instantiation async` output (the app compiles it once for all
    // workers): instantiate it here the same way.
    const { instantiate } = await import('./component/localpix_core.js');
    const { imaging } = await instantiate((name) => WebAssembly.compileStreaming(fetch(new URL('./component/' + name, location.href))), {});
    const blob = await (await fetch('photo.jpg')).blob();
    const input = new Uint8Array(await blob.arrayBuffer());
    const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const options = imaging.defaultOptions();
    options.encode.encoding.format = 'jpeg';
    // The three paths take turns, run by run, so that a change in the machine's load (it is
    // shared) falls on all of them alike.
    const ours = { decode: [], resize: [], encode: [], total: [], bytes: 0 };
    const chromium = { decodeResize: [], encode: [], total: [], bytes: 0 };
    const drawn = { decodeResize: [], encode: [], total: [], bytes: 0 };
    for (let i = 0; i < runs; i++) {
      {
        const t0 = performance.now();
        const image = imaging.Image.decode(input, { limits: options.limits, intendedResize: options.resize });
        const t1 = performance.now();
        const resized = image.resize(options.resize);
        const t2 = performance.now();
        const out = resized.encode(options.encode);
        const t3 = performance.now();
        image[Symbol.dispose]();
        resized[Symbol.dispose]();
        ours.decode.push(t1 - t0);
        ours.resize.push(t2 - t1);
        ours.encode.push(t3 - t2);
        ours.total.push(t3 - t0);
        ours.bytes = out.bytes.length;
      }
      {
        const t0 = performance.now();
        const bitmap = await createImageBitmap(blob, { resizeWidth: 1920, resizeHeight: 1080, resizeQuality: 'high' });
        const t1 = performance.now();
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        canvas.getContext('2d').drawImage(bitmap, 0, 0);
        const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
        const t2 = performance.now();
        bitmap.close();
        chromium.decodeResize.push(t1 - t0);
        chromium.encode.push(t2 - t1);
        chromium.total.push(t2 - t0);
        chromium.bytes = jpeg.size;
      }
      {
        // The other common form: decode at full size, let the canvas scale while drawing.
        const t0 = performance.now();
        const bitmap = await createImageBitmap(blob);
        const canvas = new OffscreenCanvas(1920, 1080);
        const context = canvas.getContext('2d');
        context.imageSmoothingQuality = 'high';
        context.drawImage(bitmap, 0, 0, 1920, 1080);
        const t1 = performance.now();
        const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
        const t2 = performance.now();
        bitmap.close();
        drawn.decodeResize.push(t1 - t0);
        drawn.encode.push(t2 - t1);
        drawn.total.push(t2 - t0);
        drawn.bytes = jpeg.size;
      }
    }
    const medians = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? median(v) : v]));
    return { ours: medians(ours), chromium: medians(chromium), drawn: medians(drawn), userAgent: navigator.userAgent };
  }, RUNS);
  const ms = (x) => x.toFixed(1);
  const { ours, chromium, drawn } = result;
  console.log(`\nIn the browser (${result.userAgent.match(/Chrome\/[\d.]+/)[0]}, headless, software rendering), kleiber → fit 1920, JPEG q80, medians of ${RUNS} runs, ms:\n`);
  console.log('| path | decode | resize | encode | total | output bytes |');
  console.log('|---|---:|---:|---:|---:|---:|');
  console.log(`| localpix (component, Lanczos3) | ${ms(ours.decode)} | ${ms(ours.resize)} | ${ms(ours.encode)} | **${ms(ours.total)}** | ${ours.bytes} |`);
  console.log(`| Chromium createImageBitmap (resizeQuality high) + canvas | ${ms(chromium.decodeResize)} (decode and resize) | | ${ms(chromium.encode)} | **${ms(chromium.total)}** | ${chromium.bytes} |`);
  console.log(`| Chromium createImageBitmap + drawImage scaled (smoothing high) | ${ms(drawn.decodeResize)} (decode and resize) | | ${ms(drawn.encode)} | **${ms(drawn.total)}** | ${drawn.bytes} |`);
  console.log(`\nlocalpix ÷ Chromium, total: ${(ours.total / chromium.total).toFixed(2)} (createImageBitmap resize), ${(ours.total / drawn.total).toFixed(2)} (drawImage scaled).`);
} finally {
  await context.close();
  await server.close();
}
