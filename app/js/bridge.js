// The only JavaScript the app has: a pool of module workers (worker.js) running the image engine.
// Rust (src/bridge.rs) calls it; files go to a worker as transferred ArrayBuffers and results come
// back as Blobs made in the worker, so the main thread copies no image bytes.
//
// A worker that traps or dies is replaced and its file reported as crashed; the batch goes on.
// Message kinds and error tags are protocol.js's.
// Jobs for a file go back to the worker that last handled it when that worker is free, so a change
// of encoding settings re-encodes its decoded image instead of decoding again. Other jobs go
// largest image first (in pixels, read from each file's header): a batch's big photo started last
// would leave the other workers idle while it runs alone at the end (issue 12, W4). A large JPEG
// that would leave a worker idle (nothing else queued) is sent to that one too, which decodes its
// bottom half while the job's worker decodes the top, then quantises the bottom of its encode;
// a smaller picture written as JPEG gets that worker for its encode alone (worker.js, "halves").

import { ENGINE, POOL_ERRORS, WORKER } from './protocol.js';

// Workers that have had nothing to do for this long are ended: WebAssembly memory only grows, so
// a worker that processed large photos would hold their peak for as long as the tab is open. A
// new one costs an instantiation of the already compiled engine (tens of milliseconds).
const IDLE_MS = 15_000;

// --- Memory: what this device can give the engine. Browsers say nothing of a tab's share;
// Chromium gives the device's memory (`navigator.deviceMemory`, in GB, rounded, at most 8), the
// others nothing. localpix's images together may take a quarter of it (the page, the browser and
// the other tabs need the rest), and no more than the engine's own limit, which is also each
// job's: the engine estimates every job's peak from its header and refuses, before allocating,
// one that needs more (a file that would otherwise kill its worker, or the tab).
const GIB = 2 ** 30;
const ASSUMED_DEVICE_GB = 8;

/** Bytes the images in the workers may take together on a device with `deviceGb` of memory. */
export function memoryBudget(deviceGb = navigator.deviceMemory, engineLimit = 2 * GIB) {
  const gb = deviceGb > 0 ? deviceGb : ASSUMED_DEVICE_GB;
  return Math.min(engineLimit, Math.floor((gb * GIB) / 4));
}

// A job whose image could take more than a worker's share of the budget runs alone: the others
// finish first and their workers are ended (WebAssembly memory is only given back with its
// worker), and so is its own worker after it. The pool weighs a job before the engine sees it,
// by its header: about what a full decode holds per pixel (RGBA, and the decoder's planes).
const BYTES_PER_PIXEL = 8;

/** One of the engine's core modules (`ENGINE.core`, a helper, or `ENGINE.full`), fetched and
 *  compiled once for all workers (and their replacements). Falls back to a plain compile where
 *  the server does not say `application/wasm`. */
function compileEngine(name) {
  const url = new URL(ENGINE.dir + name, document.baseURI);
  return WebAssembly.compileStreaming(fetch(url)).catch(() =>
    fetch(url)
      .then((response) => response.arrayBuffer())
      .then((bytes) => WebAssembly.compile(bytes)),
  );
}

// --- How much work a file is, before a worker has it: its pixel count from the header of a JPEG,
// PNG, WebP, GIF or BMP (the engine's probe runs in the workers; the pool must choose before).
// Bytes are a poor guide: a 24-megapixel photo of flat colour can be a tenth the size of a
// 20-megapixel one and take as long.

// A JPEG's frame header follows its metadata (EXIF, ICC profiles): enough for nearly every file.
const HEAD = 512 * 1024;
// When the header says nothing (another format, a frame header further in): pixels guessed from
// bytes, as a typical photo JPEG holds about eight pixels per byte.
const PIXELS_PER_BYTE = 8;

// JPEGs from this size are worth a second worker (the engine's `plan-halves` has the last word: it
// also wants a baseline file reduced to half its size or less, core-component/src/pipeline/halves.rs).
const HALVES_MIN_PIXELS = 8_000_000;

// Smaller pictures written as JPEG from this size are worth a second worker for their encode (the
// engine's `shared-encode` has the last word: a baseline JPEG of a megapixel or more at a fixed
// quality, core-component/src/pipeline/shared.rs). Two megapixels in: fit within 1920 leaves a
// photo of 4:3 or 3:2 above one megapixel.
const SHARE_MIN_PIXELS = 2_000_000;

/** `{ pixels, jpeg }`: width × height of `file` from its header, or an estimate from its size,
 *  and whether it starts as a JPEG does. */
async function weigh(file) {
  try {
    const head = new DataView(await file.slice(0, HEAD).arrayBuffer());
    const size = dimensions(head);
    const jpeg = head.byteLength >= 2 && head.getUint16(0) === 0xffd8;
    if (size) return { pixels: size.width * size.height, jpeg };
  } catch {
    // Unreadable: the job itself will say so.
  }
  return { pixels: file.size * PIXELS_PER_BYTE, jpeg: false };
}

function dimensions(v) {
  const ascii = (at, n) => String.fromCharCode(...Array.from({ length: n }, (_, i) => v.getUint8(at + i)));
  if (v.byteLength >= 24 && v.getUint32(0) === 0x89504e47) return { width: v.getUint32(16), height: v.getUint32(20) };
  if (v.byteLength >= 10 && ascii(0, 4) === 'GIF8') return { width: v.getUint16(6, true), height: v.getUint16(8, true) };
  if (v.byteLength >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return webp(v, ascii(12, 4));
  if (v.byteLength >= 4 && v.getUint16(0) === 0xffd8) return jpeg(v);
  // BMP: a negative height means rows stored top-down.
  if (v.byteLength >= 26 && ascii(0, 2) === 'BM') return { width: Math.abs(v.getInt32(18, true)), height: Math.abs(v.getInt32(22, true)) };
  return null;
}

function webp(v, chunk) {
  if (chunk === 'VP8 ') return { width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = v.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    const u24 = (at) => v.getUint8(at) | (v.getUint8(at + 1) << 8) | (v.getUint8(at + 2) << 16);
    return { width: u24(24) + 1, height: u24(27) + 1 };
  }
  return null;
}

/** Walks the JPEG's segments to its frame header (SOF0–SOF15, not DHT, JPG or DAC). */
function jpeg(v) {
  let at = 2;
  while (at + 9 <= v.byteLength) {
    if (v.getUint8(at) !== 0xff) return null;
    const marker = v.getUint8(at + 1);
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { height: v.getUint16(at + 5), width: v.getUint16(at + 7) };
    }
    at += 2 + v.getUint16(at + 2);
  }
  return null;
}

const cancelled = () => ({ tag: POOL_ERRORS.cancelled });

/** What a person reads when the engine trapped on a file: a wasm32 worker has at most 4 GiB, and a
 *  device often far less, so running out of memory is the likely cause of a trap on a valid file. */
const crashMessage = (name) =>
  `The image engine stopped on ${name}: most likely it ran out of memory on this device. The other files carry on. ` +
  'Try a smaller size, or fewer files at once.';

export class WorkerPool {
  /** `warmUp: false` leaves the engine cold until the first file (for measuring the warm-up). */
  constructor(size, { warmUp = true } = {}) {
    this.size = Math.max(1, size);
    this.url = new URL('worker.js', document.baseURI).href;
    this.workers = [];
    this.queue = [];
    this.lastWorker = new Map(); // file id -> worker that holds its decode
    this.engine = compileEngine(ENGINE.core);
    // jco's helper modules, fetched beside it rather than by each worker after it.
    this.helpers = Promise.all(ENGINE.helpers.map(compileEngine)).then((modules) =>
      Object.fromEntries(ENGINE.helpers.map((name, i) => [name, modules[i]])),
    );
    // The full engine (every codec), compiled the first time a worker needs it, then given to
    // every new worker with the light one.
    this.fullEngine = null;
    this.fullModule = null;
    this.budget = memoryBudget();
    this.idleTimer = null;
    // The first worker warms the engine up (worker.js, `warmUp`); the others, and those started
    // after idle ones end, share the optimised code through the compiled module. Resolves with
    // the worker's `warmed` message (tests and benchmarks read it).
    this.warmAsked = !warmUp;
    this.warmedUp = new Promise((resolve) => (this.onWarmed = resolve));
    // Every worker starts and loads the engine now, while the user picks files: the first image
    // starts at once, and nothing is fetched once images are being processed.
    const started = Array.from({ length: this.size }, () => this.spawn().loaded);
    /** Resolves when every worker has loaded the engine; rejects with a message if one cannot. */
    this.ready = Promise.all(started).then(() => undefined);
  }

  /** Processes `file` with engine `options` (WIT `options`); `onProgress(stage, info)` reports each
   *  stage; `widths` (ascending; none or empty for one result) asks for one result per width.
   *  Resolves with `{ report, blob, thumbnail, sizes, skipped }` (see worker.js); rejects with a
   *  WIT `error` or one of POOL_ERRORS, as `{ tag, val }`. */
  run(id, file, options, onProgress, widths = []) {
    return new Promise((resolve, reject) => {
      this.enqueue({ id, file, options: this.limited(options), widths: [...widths], onProgress, resolve, reject });
    });
  }

  /** `options` with the engine's memory limit lowered to what this device can give one job. */
  limited(options) {
    const maxMemory = Math.min(options.limits.maxMemory, this.budget);
    return { ...options, limits: { ...options.limits, maxMemory } };
  }

  /** Whether `job` must run with no other job beside it (see BYTES_PER_PIXEL). */
  alone(job) {
    return job.pixels * BYTES_PER_PIXEL > this.budget / this.size;
  }

  /** A PNG Blob of where `result` (the Blob `run` gave for this file) differs from the file
   *  resized with `options`: the worker keeps its decode of recent files, so this is quick. */
  difference(id, file, result, options, widths = []) {
    return new Promise((resolve, reject) => {
      this.enqueue({ id, file, result, options: this.limited(options), widths: [...widths], onProgress: () => {}, resolve: ({ blob }) => resolve(blob), reject, kind: WORKER.difference });
    });
  }

  /** Stops every queued and running job; each rejects as cancelled. */
  cancelAll() {
    for (const job of this.queue.splice(0)) job.reject(cancelled());
    for (const worker of this.workers.filter((w) => w.job)) {
      worker.job.reject(cancelled());
      this.replace(worker);
    }
  }

  /** Lets the workers drop what they keep of these files; once no file is left (the batch was
   *  cleared), idle workers are ended at once, giving their memory back. */
  forget(ids) {
    for (const id of ids) this.lastWorker.delete(id);
    for (const worker of this.workers) worker.postMessage({ kind: WORKER.forget, ids });
    if (!this.lastWorker.size) this.retireIdle();
  }

  /** Ends every worker without a job. Later jobs start fresh ones. */
  retireIdle() {
    clearTimeout(this.idleTimer);
    this.endIdle(null);
  }

  /** Queues `job` and dispatches once its size is known, and so is that of every job queued in
   *  the same task: a batch's files arrive one `run` at a time, and the largest can only go first
   *  if it is in the queue, weighed, when workers pick. */
  enqueue(job) {
    job.weighed = weigh(job.file).then(({ pixels, jpeg }) => {
      job.pixels = pixels;
      job.jpeg = jpeg;
    });
    this.queue.push(job);
    if (this.dispatchQueued) return;
    this.dispatchQueued = true;
    queueMicrotask(async () => {
      while (this.queue.some((j) => j.pixels === undefined)) await Promise.all(this.queue.map((j) => j.weighed));
      this.dispatchQueued = false;
      this.dispatch();
    });
  }

  dispatch() {
    clearTimeout(this.idleTimer);
    if (!this.queue.length && this.workers.every((w) => !w.job)) {
      this.idleTimer = setTimeout(() => this.retireIdle(), IDLE_MS);
      return;
    }
    while (this.queue.length) {
      if (this.workers.some((w) => w.job?.alone)) return;
      const idle = this.workers.filter((w) => !w.job);
      if (!idle.length && this.workers.length < this.size) idle.push(this.spawn());
      if (!idle.length) return;
      // The first job whose own worker is idle, or else the largest image (the oldest of equals).
      let index = this.queue.findIndex((job) => idle.includes(this.lastWorker.get(job.id)));
      if (index < 0) index = this.queue.reduce((best, job, i) => ((job.pixels ?? 0) > (this.queue[best].pixels ?? 0) ? i : best), 0);
      const job = this.queue[index];
      job.alone = this.alone(job);
      // A job that runs alone waits for the others to finish.
      if (job.alone && idle.length < this.workers.length) return;
      this.queue.splice(index, 1);
      const worker = idle.includes(this.lastWorker.get(job.id)) ? this.lastWorker.get(job.id) : idle[0];
      if (job.alone) this.endIdle(worker);
      const second = this.queue.length ? null : this.partner(job, worker, idle);
      this.start(worker, job, second);
    }
  }

  /** An idle worker other than `worker` to decode the bottom half of `job`'s file, when it is a
   *  large JPEG, and to share its encode; or only to share its encode, when it is a smaller
   *  picture written as JPEG (`job.shareOnly`). The worker is marked busy with it. Only one whose
   *  engine is loaded: the job's worker would otherwise wait for the instantiation. */
  partner(job, worker, idle) {
    if (job.kind || job.alone) return null;
    const halves = job.jpeg && job.pixels >= HALVES_MIN_PIXELS;
    // What the engine shares: a baseline JPEG (not `smallest`, not progressive) at a fixed quality.
    const { format, effort, quality, jpeg } = job.options.encode.encoding;
    const writesJpeg = format === 'jpeg' || (format === 'same-as-input' && job.jpeg);
    const shared = writesJpeg && effort !== 'smallest' && !jpeg.progressive && quality.tag === 'fixed';
    if (!halves && !(shared && job.pixels >= SHARE_MIN_PIXELS)) return null;
    const other = idle.find((w) => w !== worker && w.engineLoaded);
    if (!other) return null;
    other.job = { half: job, reject: () => {} };
    job.shareOnly = !halves;
    return other;
  }

  /** Ends every idle worker but `keep`, giving their memory back. */
  endIdle(keep) {
    for (const worker of this.workers.filter((w) => w !== keep && !w.job)) this.end(worker);
  }

  end(worker) {
    worker.terminate();
    this.workers = this.workers.filter((w) => w !== worker);
    for (const [id, w] of this.lastWorker) if (w === worker) this.lastWorker.delete(id);
  }

  spawn() {
    const worker = new Worker(this.url, { type: 'module', name: 'localpix engine' });
    worker.job = null;
    worker.loaded = new Promise((resolve, reject) => {
      worker.loadedResolve = resolve;
      worker.loadedReject = reject;
    });
    const warm = !this.warmAsked;
    this.warmAsked = true;
    Promise.all([this.engine, this.helpers]).then(
      ([module, helpers]) => worker.postMessage({ kind: WORKER.load, module, helpers, full: this.fullModule, warm, warmHalves: this.size > 1 }),
      (e) => worker.loadedReject(`The image engine could not be loaded: ${e.message ?? e}`),
    );
    worker.onmessage = ({ data }) => this.receive(worker, data);
    // A worker that dies without a word (out of memory, a failed module load).
    worker.onerror = (event) => {
      event.preventDefault?.();
      this.crash(worker, event.message || 'The image worker stopped unexpectedly.');
    };
    this.workers.push(worker);
    return worker;
  }

  async start(worker, job, second = null) {
    worker.job = job;
    this.lastWorker.set(job.id, worker);
    let bytes;
    let result;
    let copy;
    try {
      // Read twice rather than copied here: the main thread copies no image bytes.
      const halves = second && !job.shareOnly;
      [bytes, result, copy] = await Promise.all([job.file.arrayBuffer(), job.result?.arrayBuffer(), halves && job.file.arrayBuffer()]);
    } catch (e) {
      worker.job = null;
      this.freeSecondHalf(second, job);
      job.reject({ tag: POOL_ERRORS.unreadable, val: `The file could not be read: ${e.message ?? e}` });
      this.dispatch();
      return;
    }
    if (worker.job !== job) return this.freeSecondHalf(second, job); // cancelled while reading
    const transfer = result ? [bytes, result] : [bytes];
    let halfPort;
    if (second?.job?.half === job) {
      const channel = new MessageChannel();
      halfPort = channel.port1;
      transfer.push(halfPort);
      if (job.shareOnly) second.postMessage({ kind: WORKER.share, id: job.id, port: channel.port2 }, [channel.port2]);
      else second.postMessage({ kind: WORKER.half, id: job.id, bytes: copy, options: job.options, port: channel.port2 }, [copy, channel.port2]);
    }
    const shareOnly = Boolean(halfPort && job.shareOnly);
    worker.postMessage({ kind: job.kind ?? WORKER.job, id: job.id, bytes, result, options: job.options, widths: job.widths, halfPort, shareOnly }, transfer);
  }

  /** Lets `second` go back to work when it was kept for `job`'s second half. */
  freeSecondHalf(second, job) {
    if (second?.job?.half !== job) return;
    second.job = null;
    this.dispatch();
  }

  /** `job` has ended: the worker decoding its second half, if any, stops waiting for it. */
  endSecondHalf(job) {
    for (const worker of this.workers) if (worker.job?.half === job) worker.postMessage({ kind: WORKER.halfEnd, id: job.id });
  }

  receive(worker, message) {
    if (message.kind === WORKER.needFull) {
      this.fullEngine ??= compileEngine(ENGINE.full).then((module) => (this.fullModule = module));
      this.fullEngine.then(
        (module) => worker.postMessage({ kind: WORKER.full, module }),
        (e) => {
          this.fullEngine = null; // the next file asks again (the network may be back)
          worker.postMessage({ kind: WORKER.full, error: String(e?.message ?? e) });
        },
      );
      return;
    }
    if (message.kind === WORKER.loaded) {
      if (message.error) worker.loadedReject(message.error);
      else {
        worker.engineLoaded = true;
        worker.loadedResolve();
      }
      return;
    }
    if (message.kind === WORKER.warmed) {
      const { kind, ...outcome } = message;
      this.onWarmed(outcome);
      return;
    }
    if (message.kind === WORKER.crashed && worker.job?.half) {
      this.crash(worker, message.message);
      return;
    }
    if (message.kind === WORKER.halfDone) {
      if (worker.job?.half) {
        worker.job = null;
        this.dispatch();
      }
      return;
    }
    const job = worker.job;
    if (!job || message.id !== job.id) return;
    if (message.kind === WORKER.progress) {
      job.onProgress(message.stage, message.info ?? null);
      return;
    }
    if (message.kind === WORKER.crashed) {
      this.crash(worker, message.message);
      return;
    }
    worker.job = null;
    this.endSecondHalf(job);
    // The memory a job that ran alone took stays with its worker: end it.
    if (job.alone) this.end(worker);
    if (message.kind === WORKER.done) {
      const { report, blob, thumbnail, sizes, skipped } = message;
      job.resolve({ report, blob, thumbnail, sizes: sizes ?? [], skipped: skipped ?? [] });
    }
    else job.reject(message.error);
    this.dispatch();
  }

  crash(worker, message) {
    const job = worker.job;
    this.replace(worker);
    if (job?.half) {
      // A second half's worker: the job's own worker decodes the file whole.
      this.workers.find((w) => w.job === job.half)?.postMessage({ kind: WORKER.halfLost, id: job.half.id });
      console.warn(`localpix: the image worker decoding half of ${job.half.file.name} stopped: ${message}`);
      this.dispatch();
      return;
    }
    if (job) this.endSecondHalf(job);
    // What the engine said (`unreachable`, an allocation that failed) helps a bug report, not the
    // person: the console keeps it, the row gets a sentence naming the file and what to try.
    console.warn(`localpix: the image worker stopped on ${job?.file.name ?? 'no file'}: ${message}`);
    job?.reject({ tag: POOL_ERRORS.crashed, val: crashMessage(job.file.name) });
    this.dispatch();
  }

  /** Ends `worker` and starts a fresh one in its place, so the pool stays ready. */
  replace(worker) {
    worker.loadedReject?.('The image worker stopped.');
    this.end(worker);
    this.spawn().loaded.catch(() => {});
  }
}

/** The app's pool, one per page: `min(cores, 4)` workers (each holds a full decode in memory). */
let shared = null;
export function appPool() {
  shared ??= new WorkerPool(Math.min(4, Math.max(1, navigator.hardwareConcurrency || 2)));
  return shared;
}

// The app's pages start it as soon as this module is evaluated, with the page's JavaScript (they
// carry `<meta name="localpix-engine" content="early">`): on a slow network that is seconds before
// the app's wasm runs, so the workers fetch their code while the engine downloads, and are ready
// as soon as it is (docs/performance.md, "The first visit").
if (globalThis.document?.querySelector('meta[name="localpix-engine"][content="early"]')) appPool();
