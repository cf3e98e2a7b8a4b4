// Every name that two of localpix's files must agree on, once. The page's worker pool (bridge.js),
// the image worker (worker.js) and the widget element (embed.js) import it; the build writes
// OFFLINE into the service worker (tools/post-build.mjs: a service worker cannot import modules in
// every browser). The Rust side keeps the same names in app/src/protocol.rs, with serde; the
// browser tests (tests/browser/tests/protocol.rs) fail when the two differ.

/** Messages between the page's pool (bridge.js) and an image worker (worker.js), by `kind`. */
export const WORKER = Object.freeze({
  // page → worker
  load: 'load', // load the engine now (and warm it up, if `warm`); answered by `loaded`
  job: 'job', // process one file
  difference: 'difference', // picture where a result differs from its resized original
  forget: 'forget', // drop what is kept of these files
  full: 'full', // the full engine's compiled module, which the worker asked for
  half: 'half', // decode the second half of another worker's job's file (worker.js, "halves")
  share: 'share', // quantise the bottom of another worker's job's JPEG encode (worker.js, "halves")
  halfLost: 'half-lost', // the worker decoding this job's second half is gone
  halfEnd: 'half-end', // the job whose second half this worker decodes has ended
  // worker → page
  loaded: 'loaded',
  warmed: 'warmed', // the warm-up ran ({ ms, passes }), or did not ({ skipped } or { error })
  needFull: 'need-full', // a job needs a codec only the full engine has: send its module
  progress: 'progress',
  done: 'done',
  failed: 'failed', // the engine refused the file: a typed error, the file's fault
  crashed: 'crashed', // the engine trapped: this worker must be replaced
  halfDone: 'half-done', // this worker is done with a second half
});

/** The engine as jco writes it for the browser (`--instantiation async`), beside the app: the module
 *  (the glue), its main core module and jco's two small helper modules, which the page compiles
 *  once and hands to every worker. `core` is the light engine's main module, and `full` the full
 *  engine's, which the same glue and helpers run (Makefile, `component`, checks both names). */
export const ENGINE = Object.freeze({
  dir: 'component/',
  module: 'localpix_core.js',
  core: 'localpix_core.core.wasm',
  helpers: Object.freeze(['localpix_core.core2.wasm', 'localpix_core.core3.wasm']),
  full: 'localpix_core.full.core.wasm',
});

/** A job's stages, in order, as `progress` messages name them; the last comes before the first,
 *  when a file needs the full engine and it is being loaded. */
export const STAGES = Object.freeze(['decoding', 'resizing', 'encoding', 'loading-engine']);

/** Failures of the pool itself, beside the engine's typed errors (WIT `error`), by `tag`. */
export const POOL_ERRORS = Object.freeze({ crashed: 'crashed', cancelled: 'cancelled', unreadable: 'unreadable' });

/** The service worker's names, shared with the page (offline.rs, launch.rs). */
export const OFFLINE = Object.freeze({
  readyMarker: '/__localpix/offline-ready', // cached once every file is: "works offline" is true
  sharedCache: 'localpix-shared', // files shared to the installed app (share_target)
  fileNameHeader: 'x-file-name', // a shared file's name, URI-encoded
  skipWaiting: 'skip-waiting', // the page's "Reload to update"
});

/** Messages between the widget element (embed.js) and its frame (embed.rs), by `type`. */
export const WIDGET = Object.freeze({
  ready: 'localpix:ready',
  settings: 'localpix:settings',
  process: 'localpix:process',
  result: 'localpix:result',
  error: 'localpix:error',
  theme: 'localpix:theme', // the colour scheme the widget uses: 'light' or 'dark'
});

/** The settings link's query keys (settings.rs), which the widget's attributes map to. */
export const SETTINGS = Object.freeze({
  resize: 'resize',
  width: 'w',
  height: 'h',
  percent: 'pct',
  upscale: 'upscale',
  filter: 'filter',
  format: 'format',
  quality: 'q',
  effort: 'effort',
  colors: 'colors',
  metadata: 'meta',
  maxKb: 'maxkb',
  keepOriginal: 'keeporig',
});
