// The page side of tests/bench/workloads.mjs: each path's way of doing one workload (a list of
// photos, each to a target width and format), in headless Chromium. Served beside the app's own
// worker pool (bridge.js, worker.js, protocol.js), the jco engine in component/, pica and jSquash.
// Each function resolves with the output sizes in bytes; the caller times the whole call.
import { WorkerPool } from './bridge.js';
import pica from './pica/pica.mjs';
import { decode as jpegDecode, encode as jpegEncode } from './jsquash/jpeg/index.js';
import { decode as pngDecode, encode as pngEncode } from './jsquash/png/index.js';
import squooshResize from './jsquash/resize/index.js';

const files = new Map(); // name -> File, read once so that no path pays for the network
let nextId = 1;
const pools = new Map(); // size -> WorkerPool

const mime = (format) => `image/${format}`;

/** Fetches the photos into memory. */
export async function prepare(names) {
  for (const name of names) {
    const blob = await (await fetch(`photos/${name}`)).blob();
    files.set(name, new File([blob], name, { type: blob.type }));
  }
}

/** The app's pool of `size` workers, every one with its engine loaded before the clock starts:
 *  the pool ends workers idle for 15 s (bridge.js), and the other paths can take that long. */
async function warmPool(size) {
  if (!pools.has(size)) pools.set(size, new WorkerPool(size));
  const pool = pools.get(size);
  await pool.ready;
  while (pool.workers.length < pool.size) await pool.spawn().loaded;
  await Promise.all(pool.workers.map((w) => w.loaded));
  return pool;
}

export async function warm(path, { workers = 1 } = {}) {
  if (path === 'localpix') await warmPool(workers);
}

/** localpix as the app runs it: the page's WorkerPool, module workers running the jco component
 *  (worker.js: probe, decode, resize, encode, the list's thumbnail), the result as a Blob. */
export async function localpix(jobs, { options, workers }) {
  const pool = await warmPool(workers);
  const results = await Promise.all(
    jobs.map(({ name, mode, format }) => {
      const opts = structuredClone(options);
      opts.resize.mode = mode;
      opts.encode.encoding.format = format;
      return pool.run(nextId++, files.get(name), opts, () => {});
    }),
  );
  return results.map((r) => r.blob.size);
}

/** Chromium's own path: decode and resize in createImageBitmap (resizeQuality 'high'), encode with
 *  OffscreenCanvas.convertToBlob; a batch's files all at once, as a page would. */
export async function browser(jobs) {
  return Promise.all(
    jobs.map(async ({ name, out, format }) => {
      const bitmap = await createImageBitmap(files.get(name), { resizeWidth: out.width, resizeHeight: out.height, resizeQuality: 'high' });
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      canvas.getContext('2d').drawImage(bitmap, 0, 0);
      bitmap.close();
      const blob = await canvas.convertToBlob({ type: mime(format), quality: 0.8 });
      return blob.size;
    }),
  );
}

let picaInstance;
/** pica: the browser decodes (createImageBitmap at full size), pica resizes with Lanczos3 in its
 *  own workers and wasm, the canvas encodes (pica.toBlob); a batch's files all at once. */
export async function picaPath(jobs) {
  picaInstance ??= pica({ features: ['js', 'wasm', 'ww'] });
  return Promise.all(
    jobs.map(async ({ name, out, format }) => {
      const bitmap = await createImageBitmap(files.get(name));
      const canvas = document.createElement('canvas');
      canvas.width = out.width;
      canvas.height = out.height;
      await picaInstance.resize(bitmap, canvas, { filter: 'lanczos3' });
      bitmap.close();
      const blob = await picaInstance.toBlob(canvas, mime(format), 0.8);
      canvas.width = canvas.height = 0;
      return blob.size;
    }),
  );
}

/** jSquash (Squoosh's codecs as wasm): decode, resize (lanczos3), encode, one file after another
 *  on the page's thread, as its documentation shows. */
export async function jsquash(jobs) {
  const sizes = [];
  for (const { name, out, format } of jobs) {
    const bytes = await files.get(name).arrayBuffer();
    const decoded = format === 'png' ? await pngDecode(bytes) : await jpegDecode(bytes);
    const resized = await squooshResize(decoded, { width: out.width, height: out.height, method: 'lanczos3', premultiply: false, linearRGB: false });
    const encoded = format === 'png' ? await pngEncode(resized) : await jpegEncode(resized, { quality: 80 });
    sizes.push(encoded.byteLength);
  }
  return sizes;
}

window.bench = { prepare, warm, localpix, browser, pica: picaPath, jsquash };
