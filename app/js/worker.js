// The image worker: runs the jco-transpiled engine off the main thread. One job at a time, sent by
// bridge.js (the only code that talks to this file). Message kinds are protocol.js's WORKER:
//   in:  { kind: load, module: the light engine's compiled main core module, helpers: jco's helper
//          modules compiled, by name, full?: the full engine's main core module, when the page
//          has it already, warm?: run the warm-up below }  → { kind: loaded, error? } once
//          instantiated, then with `warm` { kind: warmed, ms and passes | skipped | error }
//          (`warmHalves`: the warm-up also decodes a large made-up JPEG in halves and shares its
//          encode with itself, `split` and `shared` say whether it did)
//        { kind: full, module?, error? }  the full engine's module, which this worker asked for
//        { kind: forget, ids: [id…] }  drop what is kept of these files
//        { kind: job, id, bytes: ArrayBuffer (transferred), options: WIT `options`, widths?: [w…] }
//          widths (ascending): one result per width, each fit to it, from one decode
//        { kind: difference, id, bytes, result: ArrayBuffer of the result, options, widths? }  → done with a
//          PNG Blob of where the result differs from the resized original (magnified)
//        a job may carry `halfPort`: a MessagePort to another worker that was sent the same file as
//          { kind: half, id, bytes, options, port }: the two decode it in halves (below); or, with
//          `shareOnly`, that was sent { kind: share, id, port }: the two share its encode only
//        { kind: half-lost, id }  that worker is gone: decode the file whole
//        { kind: half-end, id }  the job whose second half this worker decodes has ended
//        (on the port, between the two workers: the seam, the rows, then the encode's band and its
//        quantised bytes, or a band of null when the encode is not shared: see "Halves" below)
//   out: { kind: need-full }  send the full engine's compiled module (answered by `full`)
//        { id, kind: progress, stage: STAGES[i], info? (WIT `image-info`, with the first stage) }
//        { id, kind: done, report: { info, output: WIT `output` without its bytes, resized: the
//          size before a byte budget, keptFields, keptSensitive }, blob: Blob of the result,
//          thumbnail: a small JPEG Blob for the list, sizes: [{ report, blob }] the smaller widths,
//          skipped: [w…] widths the original is too narrow for }   (kept*: fields found in the result itself)
//        { id, kind: failed, error: WIT `error` ({ tag, val }) }   the file's fault
//        { id, kind: crashed, message }                           a trap: replace this worker
//        { id, kind: half-done, gave, quantized }   this worker is done with the second half (or
//          the share) of job `id` (gave: whether it posted rows; quantized: a band of the encode)
// The engine's decode of the last few files is kept, so a change of encoding settings re-encodes
// without decoding again.
// Two builds of the engine share one interface and one jco glue (Makefile, `component`): the light
// one, which the page loads first, and the full one, with the codecs the light one leaves out
// (TIFF, HEIC, lossy WebP). A job the light engine answers with `codec-not-built` runs again on the
// full one, which this worker asks the page for then, and uses for every later job.
import { ENGINE, STAGES, WORKER } from './protocol.js';

// The engine's error (WIT `error`) for a codec its build leaves out.
const CODEC_NOT_BUILT = 'codec-not-built';

// The engines, once `load` brings their compiled core modules: the page compiles each once for
// every worker, so a new worker costs an instantiation, not a download and a compile. jco's glue is
// imported as the worker starts, while the page is still downloading the engine: fetched after it,
// it would add a round trip (over half a second on a slow mobile network) to the first job.
const glue = import(new URL(ENGINE.dir + ENGINE.module, self.location.href).href);
let loadEngine;
const engine = new Promise((resolve) => {
  loadEngine = resolve;
});
let helpers = null; // jco's helper modules, compiled, by name (from `load`)
let fullModule = null; // a promise of the full engine's compiled module, once asked for or given
let fullEngine = null; // a promise of its instance, once a job needed it
let answerFull = null;

function instantiate(core) {
  return glue.then(({ instantiate }) => instantiate((name) => (name === ENGINE.core ? core : helpers[name]), {}));
}

/** The full engine, instantiated on first use, from the module the page gave or sends when asked. */
function full() {
  fullModule ??= new Promise((resolve, reject) => {
    answerFull = ({ module, error }) => (module ? resolve(module) : reject(new Error(error)));
    self.postMessage({ kind: WORKER.needFull });
  });
  fullEngine ??= fullModule.then(instantiate);
  return fullEngine;
}

const [DECODING, RESIZING, ENCODING, LOADING_ENGINE] = STAGES;

const RECENT = 4;
// …and at most this share of the job's memory limit (the device's share, app/js/bridge.js), in
// pixels held: at full size four 24-megapixel photos would keep 400 MB that the engine's estimate
// of the next job does not count.
const KEPT_SHARE = 1 / 8;
// How much the compare view's difference picture magnifies: JPEG's errors of a few levels show.
const DIFFERENCE_MAGNIFIED = 8;
const decoded = new Map(); // id -> { key, images: [resized…] (largest first, ready to encode), skipped }

// The list's thumbnails: small JPEGs made from the resized image, so the page never decodes a
// full-size photo (or even the result) for a 56-pixel picture; thirty 12-megapixel originals
// would otherwise hold over a gigabyte of decoded pixels in the renderer.
const THUMBNAIL_SIDE = 128;

function thumbnailOf(imaging, image) {
  const small = image.resize({
    mode: { tag: 'fit-within', val: { width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE } },
    filter: 'catmull-rom',
    neverUpscale: true,
    turn: 'normal',
  });
  try {
    const options = imaging.defaultOptions().encode;
    options.encoding.format = 'jpeg';
    options.encoding.effort = 'fast';
    options.keepSmallerOriginal = false;
    return new Blob([small.encode(options).bytes], { type: 'image/jpeg' });
  } finally {
    small[Symbol.dispose]();
  }
}

// V8 (like SpiderMonkey) runs a WebAssembly function unoptimised until it has run a while, and
// optimises it for its next call: the decoder's, the resize's and the encoder's loops are each
// called once per image, so a session's first photo ran wholly unoptimised (a 24-megapixel JPEG
// to 1920 pixels: 200–290 ms in Chromium, against 100–150 ms for the next ones). So one worker of
// the page (the others share its compiled module, and the optimised code with it) sends a made-up
// JPEG (baseline and progressive, 4:2:0 and 4:2:2, scaled and full-size decodes) and a made-up RGBA
// PNG through the engine a moment after loading, unless a file comes first: that file then warms
// the engine itself (docs/performance.md).
const WARM_UP_DELAY_MS = 250;
const WARM_UP_SIZE = { width: 1152, height: 768 };
// Over the 8 megapixels from which a JPEG is decoded in halves (core-component/src/pipeline/halves.rs).
const WARM_UP_HALVES_SIZE = { width: 3600, height: 2240 };
let warmUpTimer = null;
let warmUpCancelled = false;
let warmUpPasses = 0;

function cancelWarmUp() {
  warmUpCancelled = true;
  if (warmUpTimer === null) return;
  clearTimeout(warmUpTimer);
  warmUpTimer = null;
  self.postMessage({ kind: WORKER.warmed, skipped: true });
}

/** A picture with detail everywhere (overlapping discs of random colours, half of them see-through
 *  on a transparent ground for the PNG), drawn and encoded by the browser so that the page
 *  downloads no picture for it. */
async function madeUpPicture(type, { width, height } = WARM_UP_SIZE) {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  let seed = 1;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  // As many discs per pixel at any size: detail everywhere.
  const discs = Math.round((400 * width * height) / (WARM_UP_SIZE.width * WARM_UP_SIZE.height));
  for (let i = 0; i < discs; i++) {
    const alpha = type === 'image/png' && i % 2 ? 0.5 : 1;
    context.fillStyle = `rgb(${random() * 255} ${random() * 255} ${random() * 255} / ${alpha})`;
    context.beginPath();
    context.arc(random() * width, random() * height, 2 + random() * 40, 0, 2 * Math.PI);
    context.fill();
  }
  const blob = await canvas.convertToBlob({ type, quality: 0.9 });
  return new Uint8Array(await blob.arrayBuffer());
}

/** Decodes `input` for a resize to `width`, resizes and encodes it with `encode`; the result's
 *  bytes. */
function warmUpPass(imaging, options, input, width, encode) {
  warmUpPasses += 1;
  const resize = { ...options.resize, mode: { tag: 'fit-width', val: width } };
  const image = imaging.Image.decode(input, { limits: options.limits, intendedResize: resize });
  try {
    const resized = image.resize(resize);
    try {
      return resized.encode(encode).bytes;
    } finally {
      resized[Symbol.dispose]();
    }
  } finally {
    image[Symbol.dispose]();
  }
}

/** `input` decoded in halves, both in this worker, for a resize to 3/8 of its width, and the
 *  result's encode shared with itself (`encodeShared`): `{ split, shared }`, whether the second
 *  half had rows to give and the engine shared the encode. */
function warmUpHalves(imaging, options, input) {
  warmUpPasses += 1;
  const resize = { ...options.resize, mode: { tag: 'fit-width', val: (WARM_UP_HALVES_SIZE.width * 3) / 8 - 8 } };
  const decodeOptions = { limits: options.limits, intendedResize: resize };
  const plan = imaging.planHalves(input, decodeOptions);
  if (!plan) throw new Error('the made-up photo was not split');
  const first = imaging.FirstHalf.decode(input, decodeOptions, plan);
  const second = imaging.SecondHalf.decode(input, decodeOptions, plan);
  let image = null;
  let resized = null;
  let shared = null;
  try {
    const seam = first.seam();
    first.finish();
    image = first.join(seam ? second.finish(seam) : new Uint8Array(0));
    resized = image.resize(resize);
    shared = imaging.SharedEncode.begin(resized, options.encode);
    if (shared) {
      const band = shared.band();
      shared.quantize();
      shared.finish(imaging.quantizeBand(band));
    }
    return { split: Boolean(seam), shared: Boolean(shared) };
  } finally {
    for (const resource of [first, second, image, resized, shared]) resource?.[Symbol.dispose]();
  }
}

async function warmUp(imaging, halves) {
  warmUpTimer = null;
  let halvesPass = { split: false, shared: false };
  const started = performance.now();
  const skipped = () => {
    self.postMessage({ kind: WORKER.warmed, skipped: true });
    return true;
  };
  // Between passes a file that came in goes first, and ends the warm-up: it waits for one pass
  // at most.
  const yielded = () => new Promise((resolve) => setTimeout(resolve, 0)).then(() => warmUpCancelled && skipped());
  try {
    // Without OffscreenCanvas (Safari before 16.4) the first photo warms the engine itself.
    if (typeof OffscreenCanvas === 'undefined') throw new Error('no OffscreenCanvas');
    const jpeg = await madeUpPicture('image/jpeg');
    if (warmUpCancelled) return skipped();
    const options = imaging.defaultOptions();
    const { width } = WARM_UP_SIZE;
    const asJpeg = structuredClone(options.encode);
    asJpeg.encoding.format = 'jpeg';
    // The canvas writes baseline 4:2:0 JPEG; the engine rewrites it as progressive 4:2:2 so that
    // those decoding paths warm up too. Decodes at 3/8 (the scaled transforms) and 8/8.
    const rewrite = structuredClone(asJpeg);
    rewrite.encoding.jpeg = { progressive: true, chromaSubsampling: 'yuv422' };
    rewrite.keepSmallerOriginal = false;
    warmUpPass(imaging, options, jpeg, (width * 3) / 8 - 8, asJpeg);
    if (await yielded()) return;
    const progressive = warmUpPass(imaging, options, jpeg, width - 8, rewrite);
    if (await yielded()) return;
    warmUpPass(imaging, options, progressive, (width * 3) / 8 - 16, asJpeg);
    if (await yielded()) return;
    // RGBA PNG, as screenshots are: decoded at half size for a resize to a quarter or less
    // (decode/png/half.rs) and at full size, each resized and written as PNG.
    const png = await madeUpPicture('image/png');
    if (warmUpCancelled) return skipped();
    const asPng = structuredClone(options.encode);
    asPng.encoding.format = 'png';
    warmUpPass(imaging, options, png, width / 4 - 8, asPng);
    if (await yielded()) return;
    warmUpPass(imaging, options, png, width - 8, asPng);
    if (halves) {
      // A pool of two or more decodes a large JPEG in halves (below): a photo large enough to
      // split, decoded at 3/8 as both workers would, then its encode shared as both would share
      // it, the code warming for both (a module's optimised code is shared by its workers).
      if (await yielded()) return;
      const large = await madeUpPicture('image/jpeg', WARM_UP_HALVES_SIZE);
      if (warmUpCancelled) return skipped();
      halvesPass = warmUpHalves(imaging, options, large);
    }
    self.postMessage({ kind: WORKER.warmed, ms: performance.now() - started, passes: warmUpPasses, ...halvesPass });
  } catch (e) {
    self.postMessage({ kind: WORKER.warmed, error: String(e?.message ?? e?.payload?.tag ?? e) });
  }
}

// --- Halves: one large JPEG decoded by two workers at once (WIT `first-half`, `second-half`;
// docs/performance.md). When a large JPEG comes while another worker is idle, the page sends the
// file to both: this worker's job carries a MessagePort to the other, which gets a `half` message
// with its end. Both ask the engine for the same plan; this one decodes the top half, posts the
// seam, transforms its rows while the other transforms the bottom half's, and joins the rows it
// posts back. Anything amiss (no plan, an engine error, the other worker gone) and the file is
// decoded whole, as alone: the whole decode gives the file's own error, if any.
const waits = new Map(); // job id -> ends its wait for the other worker (with null)

/** What comes next on `port`, or null when the page says the other side is gone (`id`'s
 *  half-lost or half-end). */
function nextFrom(port, id) {
  return new Promise((resolve) => {
    waits.set(id, () => resolve(null));
    port.onmessage = ({ data }) => resolve(data);
  }).finally(() => waits.delete(id));
}

/** WIT `decode-options` for a job's WIT `options`: its limits, and its resize as the intended one. */
const decodeOptionsOf = (options) => ({ limits: options.limits, intendedResize: options.resize });

/** Whether `e` is the engine's typed error (the file's fault) rather than a trap. */
const typed = (e) => e && typeof e === 'object' && 'payload' in e;

/** `{ image, port }`: `input` decoded with the worker at the other end of `port` doing the bottom
 *  half; null when it is decoded whole instead (the caller does that). `port` is the open port
 *  when the halves met: the other worker then waits to share the encode (`encodeShared`), and the
 *  caller must end that; null when it need not. */
async function decodeInHalves(imaging, input, options, port, id) {
  let first = null;
  let seam = null;
  let joined = false;
  try {
    const plan = imaging.planHalves(input, options);
    if (!plan) return null;
    first = imaging.FirstHalf.decode(input, options, plan);
    seam = first.seam() ?? null;
    port.postMessage({ seam });
    first.finish();
    const answer = seam ? await nextFrom(port, id) : { rows: new Uint8Array(0) };
    if (!answer?.rows) return null;
    const image = first.join(answer.rows);
    joined = Boolean(seam);
    return { image, port: joined ? port : null };
  } catch (e) {
    if (!typed(e)) throw e;
    return null;
  } finally {
    if (!seam) port.postMessage({ seam: null });
    if (!joined) port.close();
    first?.[Symbol.dispose]();
  }
}

/** The bottom half of the file of job `id` (see `decodeInHalves`; `options`: the job's WIT
 *  `options`): decoded while the other worker decodes the top, finished with its seam, and the
 *  rows posted back on `port`; then, when the other worker shares its encode, the band it sends
 *  quantised and posted back (`encodeShared`). */
async function decodeSecondHalf(imaging, { id, bytes, options, port }) {
  // Listening before the decode: the seam may come while it runs.
  const seamComes = nextFrom(port, id);
  let second = null;
  let rows = null;
  let trap = null;
  try {
    const input = new Uint8Array(bytes);
    // As the job's worker decodes it (`run`): the same options give the same plan.
    const decodeOptions = decodeOptionsOf(options);
    const plan = imaging.planHalves(input, decodeOptions);
    second = plan && imaging.SecondHalf.decode(input, decodeOptions, plan);
    const seam = second && (await seamComes)?.seam;
    if (seam) rows = second.finish(seam);
  } catch (e) {
    if (!typed(e)) trap = e;
  }
  if (!trap) second?.[Symbol.dispose]();
  port.postMessage({ rows }, rows ? [rows.buffer] : []);
  if (trap || !rows) {
    // Without rows the other worker decodes the file whole and shares no encode with this one. A
    // trap leaves the engine untrustworthy: the caller reports it, and the page replaces this worker.
    port.close();
    waits.delete(id);
    if (trap) throw trap;
    self.postMessage({ id, kind: WORKER.halfDone, gave: false, quantized: false });
    return;
  }
  await quantizeShared(imaging, { id, port }, true);
}

/** The bottom rows of the encode of job `id` (see `encodeShared`): the band the job's worker
 *  posts on `port` quantised and posted back; nothing when it posts none, or when the page says
 *  the job ended. `gave`: whether this worker gave the job rows of its decode (`half-done`). */
async function quantizeShared(imaging, { id, port }, gave = false) {
  const band = (await nextFrom(port, id))?.band;
  let quantized = null;
  let trap = null;
  if (band) {
    try {
      quantized = imaging.quantizeBand(band);
    } catch (e) {
      if (!typed(e)) trap = e;
    }
    // Even after a trap: the other worker must not wait for this one.
    port.postMessage({ quantized }, quantized ? [quantized.buffer] : []);
  }
  port.close();
  waits.delete(id);
  if (trap) throw trap;
  self.postMessage({ id, kind: WORKER.halfDone, gave, quantized: Boolean(quantized) });
}

/** `image` encoded with `options` (WIT `encode-options`) as `encode` does, the worker at the other
 *  end of `port` (the second half's, waiting) quantising the bottom rows when the engine shares
 *  the encode (WIT `shared-encode`: a baseline JPEG of a megapixel or more at a fixed quality). */
async function encodeShared(imaging, image, info, options, port, id) {
  let shared = null;
  try {
    shared = imaging.SharedEncode.begin(image, options);
    if (!shared) return encode(imaging, image, info, options);
    const band = shared.band();
    port.postMessage({ band }, [band.pixels.buffer]);
    shared.quantize();
    const answer = await nextFrom(port, id);
    try {
      return reported(imaging, image, info, shared.finish(answer?.quantized ?? undefined));
    } catch (e) {
      // A band the engine refuses (from a worker that is not the same build, say): encoded alone,
      // which also gives the encode's own error, if that was it.
      if (!typed(e)) throw e;
      return encode(imaging, image, info, options);
    }
  } finally {
    if (!shared) port.postMessage({ band: null });
    port.close();
    shared?.[Symbol.dispose]();
  }
}

/** Keeps the resized `images` of file `id` (and the widths `skipped`) for quick re-encodes;
 *  false when they are too large to keep. */
function remember(id, key, images, skipped, limit) {
  forget(id);
  const bytes = images.reduce((sum, image) => {
    const { width, height } = image.dimensions();
    return sum + width * height * 4;
  }, 0);
  decoded.set(id, { key, images, skipped, bytes });
  const kept = () => [...decoded.values()].reduce((sum, d) => sum + d.bytes, 0);
  for (const other of [...decoded.keys()]) {
    if (decoded.size <= RECENT && kept() <= limit * KEPT_SHARE) break;
    if (other !== id) forget(other);
  }
  // Too large to keep even alone: they serve this job only, and its caller ends them.
  if (kept() <= limit * KEPT_SHARE) return true;
  decoded.delete(id);
  return false;
}

function forget(id) {
  for (const image of decoded.get(id)?.images ?? []) image[Symbol.dispose]();
  decoded.delete(id);
}

/** `image` fit to each of `widths` (ascending), largest first. A width the original is too narrow
 *  for (with never-upscale) is skipped and listed, unless no width fits: then the smallest is made
 *  at the original's own width, so a file always gives a result. */
function resizeToWidths(image, resize, widths) {
  const images = [];
  const skipped = [];
  try {
    for (const [i, width] of [...widths].reverse().entries()) {
      const made = image.resize({ ...resize, mode: { tag: 'fit-width', val: width } });
      if (made.dimensions().width < width && (images.length || i < widths.length - 1)) {
        made[Symbol.dispose]();
        skipped.unshift(width);
      } else {
        images.push(made);
      }
    }
  } catch (e) {
    // The engine refused one width: the file fails, and what was made is given back.
    for (const made of images) made[Symbol.dispose]();
    throw e;
  }
  return { images, skipped };
}

/** One resized image encoded: `{ report, blob }` (see the messages above). */
function encode(imaging, image, info, options) {
  return reported(imaging, image, info, image.encode(options));
}

/** An engine's WIT `output` of `image` as the page gets it: its report and its file's Blob. */
function reported(imaging, image, info, { bytes: out, ...output }) {
  // Read the result back, so the page reports what it holds rather than what was intended. The
  // engine writes one format it cannot read (AVIF): that result's fields are unknown (null), and
  // the page says so rather than "removed".
  let kept = null;
  try {
    kept = imaging.probe(out).metadata;
  } catch (e) {
    if (e?.payload?.tag !== 'unsupported-format') throw e;
  }
  const report = {
    info,
    output,
    resized: image.dimensions(),
    keptFields: kept?.length ?? null,
    keptSensitive: kept?.filter((field) => field.sensitive).length ?? null,
  };
  // The Blobs are made here, off the main thread; posting them shares them without a copy.
  return { report, blob: new Blob([out], { type: `image/${output.format}` }) };
}

self.onmessage = async ({ data }) => {
  if (data.kind === WORKER.load) {
    helpers = data.helpers;
    if (data.full) fullModule = Promise.resolve(data.full);
    loadEngine(instantiate(data.module));
    engine.then(
      ({ imaging }) => {
        self.postMessage({ kind: WORKER.loaded });
        if (data.warm) warmUpTimer = setTimeout(() => warmUp(imaging, data.warmHalves), WARM_UP_DELAY_MS);
      },
      (e) => self.postMessage({ kind: WORKER.loaded, error: `The image engine could not be loaded: ${e.message ?? e}` }),
    );
    return;
  }
  if (data.kind === WORKER.full) {
    answerFull?.(data);
    return;
  }
  if (data.kind === WORKER.forget) {
    data.ids.forEach(forget);
    return;
  }
  if (data.kind === WORKER.halfLost || data.kind === WORKER.halfEnd) {
    waits.get(data.id)?.();
    return;
  }
  cancelWarmUp();
  if (data.kind === WORKER.half || data.kind === WORKER.share) {
    try {
      const { imaging } = await (fullEngine ?? engine);
      await (data.kind === WORKER.half ? decodeSecondHalf(imaging, data) : quantizeShared(imaging, data));
    } catch (e) {
      self.postMessage({ id: data.id, kind: WORKER.crashed, message: String(e?.message ?? e) });
    }
    return;
  }
  const { id } = data;
  let imaging;
  try {
    ({ imaging } = await (fullEngine ?? engine));
  } catch (e) {
    self.postMessage({ id, kind: WORKER.crashed, message: `The image engine could not be loaded: ${e.message ?? e}` });
    return;
  }
  try {
    await run(imaging, data);
  } catch (e) {
    if (e?.payload?.tag === CODEC_NOT_BUILT && !fullEngine) {
      // The light engine lacks this file's codec: what it kept was made by it, and is let go.
      [...decoded.keys()].forEach(forget);
      self.postMessage({ id, kind: WORKER.progress, stage: LOADING_ENGINE });
      try {
        ({ imaging } = await full());
      } catch (loading) {
        fullModule = fullEngine = null; // the next file asks again (the network may be back)
        self.postMessage({ id, kind: WORKER.failed, error: { tag: CODEC_NOT_BUILT, val: { ...e.payload.val, message: `${e.payload.val.message} It could not be loaded: ${loading.message ?? loading}` } } });
        return;
      }
      try {
        await run(imaging, data);
      } catch (again) {
        report(id, again);
      }
    } else {
      report(id, e);
    }
  }
};

/** Tells the page why job `id` failed: the file's fault (a typed error), or a trap. */
function report(id, e) {
  if (typed(e)) {
    forget(id);
    self.postMessage({ id, kind: WORKER.failed, error: e.payload });
  } else {
    // A trap (out of memory, a bug): the engine's state is no longer trustworthy.
    self.postMessage({ id, kind: WORKER.crashed, message: String(e?.message ?? e) });
  }
}

/** Job `data` on the engine `imaging`; posts its progress and result, throws the engine's error. */
async function run(imaging, data) {
  const { id, bytes, options, result } = data;
  // Used once: a job run again (on the full engine) decodes whole.
  const halfPort = data.halfPort;
  data.halfPort = null;
  let passing = []; // resized images too large to keep: ended after this job
  let sharing = null; // the port to the second half's worker, while it waits to share the encode
  try {
    const input = new Uint8Array(bytes);
    const info = imaging.probe(input);
    const widths = data.widths?.length ? data.widths : null;
    const key = JSON.stringify([options.limits, options.resize, widths]);
    self.postMessage({ id, kind: WORKER.progress, stage: DECODING, info });
    let { images, skipped } = decoded.get(id)?.key === key ? decoded.get(id) : {};
    const decodeOptions = decodeOptionsOf(options);
    if (data.shareOnly) {
      // The other worker waits to share the encode only.
      sharing = halfPort;
    } else if (images && halfPort) {
      // Kept from before: the other worker has no half to decode.
      halfPort.postMessage({ seam: null });
      halfPort.close();
    }
    if (!images) {
      const halves = halfPort && !data.shareOnly ? await decodeInHalves(imaging, input, decodeOptions, halfPort, id) : null;
      const image = halves?.image ?? imaging.Image.decode(input, decodeOptions);
      sharing ??= halves?.port ?? null;
      self.postMessage({ id, kind: WORKER.progress, stage: RESIZING });
      try {
        ({ images, skipped } = widths ? resizeToWidths(image, options.resize, widths) : { images: [image.resize(options.resize)], skipped: [] });
      } finally {
        image[Symbol.dispose]();
      }
      if (!remember(id, key, images, skipped, options.limits.maxMemory)) passing = images;
    }
    const [resized] = images;
    if (data.kind === WORKER.difference) {
      const map = resized.difference(new Uint8Array(result), options.encode, DIFFERENCE_MAGNIFIED);
      self.postMessage({ id, kind: WORKER.done, report: null, blob: new Blob([map.bytes], { type: 'image/png' }) });
      return;
    }
    self.postMessage({ id, kind: WORKER.progress, stage: ENCODING });
    const port = images.length === 1 ? sharing : null;
    sharing = port ? null : sharing;
    const first = port ? await encodeShared(imaging, resized, info, options.encode, port, id) : encode(imaging, resized, info, options.encode);
    const sizes = images.slice(1).map((image) => encode(imaging, image, info, options.encode));
    self.postMessage({ id, kind: WORKER.done, ...first, thumbnail: thumbnailOf(imaging, resized), sizes, skipped });
  } finally {
    if (sharing) {
      sharing.postMessage({ band: null });
      sharing.close();
    }
    for (const image of passing) image[Symbol.dispose]();
  }
}
