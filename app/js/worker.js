// The image worker: runs the jco-transpiled engine off the main thread. One job at a time, sent by
// bridge.js (the only code that talks to this file):
//   in:  { load: true }  → { kind: 'loaded', error? } once the engine is loaded
//        { forgetIds: [id…] }  drop what is kept of these files
//        { id, bytes: ArrayBuffer (transferred), options: engine options (WIT `options`) }
//   out: { id, kind: 'progress', stage: 'decoding' | 'resizing' | 'encoding', info? }
//        { id, kind: 'done', info, output: { format, dimensions, quality, keptFields, keptSensitive },
//          blob: Blob of the result }   (kept*: the metadata fields found in the result itself)
//        { id, kind: 'failed', error: { tag, message } }   a typed engine error: the file's fault
//        { id, kind: 'crashed', message }                   a trap: this worker must be replaced
// The engine's decode of the last few files is kept, so a change of encoding settings re-encodes
// without decoding again.
const engine = import(new URL('component/localpix_core.js', self.location.href).href);

const RECENT = 4;
const decoded = new Map(); // id -> { key, image } (the resized image, ready to encode)

function remember(id, key, image) {
  forget(id);
  decoded.set(id, { key, image });
  while (decoded.size > RECENT) forget(decoded.keys().next().value);
}

function forget(id) {
  decoded.get(id)?.image[Symbol.dispose]();
  decoded.delete(id);
}

function messageOf(payload) {
  if (typeof payload === 'string') return payload;
  return payload?.message ?? String(payload);
}

self.onmessage = async ({ data: { id, bytes, options, forgetIds, load } }) => {
  if (load) {
    engine.then(
      () => self.postMessage({ kind: 'loaded' }),
      (e) => self.postMessage({ kind: 'loaded', error: `The image engine could not be loaded: ${e.message ?? e}` }),
    );
    return;
  }
  if (forgetIds) {
    forgetIds.forEach(forget);
    return;
  }
  let imaging;
  try {
    ({ imaging } = await engine);
  } catch (e) {
    self.postMessage({ id, kind: 'crashed', message: `The image engine could not be loaded: ${e.message ?? e}` });
    return;
  }
  try {
    const input = new Uint8Array(bytes);
    const info = imaging.probe(input);
    const key = JSON.stringify([options.limits, options.resize]);
    self.postMessage({ id, kind: 'progress', stage: 'decoding', info });
    let resized = decoded.get(id)?.key === key ? decoded.get(id).image : null;
    if (!resized) {
      const image = imaging.Image.decode(input, { limits: options.limits, intendedResize: options.resize });
      self.postMessage({ id, kind: 'progress', stage: 'resizing' });
      try {
        resized = image.resize(options.resize);
      } finally {
        image[Symbol.dispose]();
      }
      remember(id, key, resized);
    }
    self.postMessage({ id, kind: 'progress', stage: 'encoding' });
    const { bytes: out, format, dimensions, quality } = resized.encode(options.encode);
    // Read the result back, so the page reports what it holds rather than what was intended.
    const kept = imaging.probe(out).metadata;
    const keptFields = kept.length;
    const keptSensitive = kept.filter((field) => field.sensitive).length;
    // The Blob is made here, off the main thread; posting it shares it without a copy.
    const blob = new Blob([out], { type: `image/${format}` });
    self.postMessage({ id, kind: 'done', info, output: { format, dimensions, quality, keptFields, keptSensitive }, blob });
  } catch (e) {
    if (e && 'payload' in e) {
      forget(id);
      const { tag, val } = e.payload;
      self.postMessage({ id, kind: 'failed', error: { tag, message: messageOf(val) } });
    } else {
      // A trap (out of memory, a bug): the engine's state is no longer trustworthy.
      self.postMessage({ id, kind: 'crashed', message: String(e?.message ?? e) });
    }
  }
};
