// "Download all": the ZIP of every result, built in a worker of its own and never copied. The
// entries are stored, not deflated (JPEG, PNG and WebP are already compressed). The result Blobs
// are posted to the worker by reference; it reads each one as a stream only to compute its CRC-32,
// and answers with a Blob made of the headers it wrote and the results' Blobs themselves, so the
// browser assembles the download from the bytes it already holds: nothing passes through the
// app's WebAssembly memory or the main thread.
//
// This one file is both sides. On the page (src/save.rs imports `zipInWorker`), it starts itself as
// a module worker (`import.meta.url`): wasm-bindgen publishes it under its own snippet path, which
// a second file could not find, and the page's policy (worker-src 'self') allows it as it is.

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION = 20; // 2.0: what readers need for stored entries with these fields
const UTF8_NAMES = 0x0800; // general purpose flag 11: names are UTF-8
const STORED = 0;
// Plain ZIP counts entries in 16 bits and offsets in 32; browsers give out before a batch gets
// there, so ZIP64 is not written.
const MAX_ENTRIES = 0xffff;
const MAX_OFFSET = 0xffffffff;

const IN_WORKER = typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope;

// On the page, the worker starts with the app, as the image workers do: nothing is fetched once
// images are in the tab (the end-to-end tests fail on any request after load). Idle, it is a
// JavaScript isolate with no WebAssembly, a few megabytes.
const spawn = () => new Worker(import.meta.url, { type: 'module', name: 'localpix zip' });
let worker = IN_WORKER ? null : spawn();
let previous = Promise.resolve(); // one ZIP at a time

/** On the page: the ZIP of `blobs` under `names` (unique), with entries dated `modified` (a Date).
 *  Resolves with the ZIP as a Blob; rejects with a sentence for people. */
export function zipInWorker(names, blobs, modified) {
  const zip = previous.then(
    () =>
      new Promise((resolve, reject) => {
        worker.onmessage = ({ data }) => (data.zip ? resolve(data.zip) : reject(data.error));
        worker.onerror = (event) => {
          event.preventDefault?.();
          worker.terminate();
          worker = spawn(); // the next ZIP gets a fresh one
          reject(`The ZIP could not be built: ${event.message || 'its worker stopped'}.`);
        };
        worker.postMessage({ names, blobs, modified });
      }),
  );
  previous = zip.catch(() => {});
  return zip;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** The CRC-32 of a Blob's bytes, read as a stream: one chunk in memory at a time. */
async function crc32(blob) {
  let crc = 0xffffffff;
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (let i = 0; i < value.length; i++) crc = CRC_TABLE[(crc ^ value[i]) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** MS-DOS time and date, as ZIP stores them (local time, two-second steps). */
function dosDateTime(date) {
  // ZIP dates start in 1980; a clock before that gets the earliest date rather than an error.
  if (date.getFullYear() < 1980) return { time: 0, day: (1 << 5) | 1 };
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    day: ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** The fields a local header and a central directory entry share, from "version needed" on. */
function commonFields(view, at, entry, stamp) {
  view.setUint16(at, VERSION, true);
  view.setUint16(at + 2, UTF8_NAMES, true);
  view.setUint16(at + 4, STORED, true);
  view.setUint16(at + 6, stamp.time, true);
  view.setUint16(at + 8, stamp.day, true);
  view.setUint32(at + 10, entry.crc, true);
  view.setUint32(at + 14, entry.size, true); // compressed size: stored, so the same
  view.setUint32(at + 18, entry.size, true);
  view.setUint16(at + 22, entry.name.length, true);
}

function localHeader(entry, stamp) {
  const bytes = new Uint8Array(30 + entry.name.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, LOCAL_HEADER, true);
  commonFields(view, 4, entry, stamp);
  bytes.set(entry.name, 30);
  return bytes;
}

function centralHeader(entry, stamp) {
  const bytes = new Uint8Array(46 + entry.name.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, CENTRAL_HEADER, true);
  view.setUint16(4, VERSION, true); // made by: version 2.0, MS-DOS attributes
  commonFields(view, 6, entry, stamp);
  // Extra field, comment, disk number, attributes: none (all zero).
  view.setUint32(42, entry.offset, true);
  bytes.set(entry.name, 46);
  return bytes;
}

function endOfCentralDirectory(count, size, offset) {
  const view = new DataView(new ArrayBuffer(22));
  view.setUint32(0, END_OF_CENTRAL_DIRECTORY, true);
  view.setUint16(8, count, true);
  view.setUint16(10, count, true);
  view.setUint32(12, size, true);
  view.setUint32(16, offset, true);
  return new Uint8Array(view.buffer);
}

/** In the worker: the ZIP as a Blob of headers and the entries' own Blobs. */
async function buildZip(names, blobs, modified) {
  if (names.length > MAX_ENTRIES) throw `A ZIP holds at most ${MAX_ENTRIES} files; save these in smaller batches.`;
  const stamp = dosDateTime(modified);
  const encoder = new TextEncoder();
  const parts = [];
  const entries = [];
  let offset = 0;
  for (const [i, blob] of blobs.entries()) {
    const entry = { name: encoder.encode(names[i]), size: blob.size, crc: await crc32(blob), offset };
    const header = localHeader(entry, stamp);
    parts.push(header, blob);
    entries.push(entry);
    offset += header.length + blob.size;
    if (offset > MAX_OFFSET) throw 'The results add up to over 4 GB, more than one ZIP holds; save them in smaller batches, or to a folder.';
  }
  const central = entries.map((entry) => centralHeader(entry, stamp));
  const centralSize = central.reduce((sum, header) => sum + header.length, 0);
  parts.push(...central, endOfCentralDirectory(entries.length, centralSize, offset));
  return new Blob(parts, { type: 'application/zip' });
}

if (IN_WORKER) {
  self.onmessage = async ({ data: { names, blobs, modified } }) => {
    try {
      self.postMessage({ zip: await buildZip(names, blobs, modified) });
    } catch (e) {
      self.postMessage({ error: typeof e === 'string' ? e : `The ZIP could not be built: ${e?.message ?? e}.` });
    }
  };
}
