// `make bench`: each workload's stages (decode, resize, encode) timed in the native build of the
// engine and in the WebAssembly component run by Node (jco), medians of RUNS runs. The Makefile
// pins this process, and so the native one it starts, to one core (`taskset -c 0`), as the component
// has one thread.
// Prints a Markdown table for the README. The corpus photos must be present.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { ROOT, corpusPath } from '../support/files.mjs';

const RUNS = Number(process.env.RUNS ?? 7);
const NATIVE = join(ROOT, 'target/release/examples/bench');

const WORKLOADS = [
  { label: 'kleiber 6028×3391 JPEG → fit 1920, JPEG q80', file: 'kleiber-6028x3391.jpg', resize: 'fit:1920:1920', format: 'jpeg' },
  { label: 'patak 5120×2880 RGBA PNG → 1280 wide, PNG', file: 'patak-5120x2880-rgba.png', resize: 'width:1280', format: 'png' },
];

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The same stages as examples/bench.rs, through the component's `image` resource. */
function wasmStages(input, resize, format) {
  const options = imaging.defaultOptions();
  const [kind, a, b] = resize.split(':').map((s, i) => (i ? Number(s) : s));
  options.resize.mode = kind === 'fit' ? { tag: 'fit-within', val: { width: a, height: b } } : { tag: 'fit-width', val: a };
  options.encode.encoding.format = format;
  const stages = { decode: [], resize: [], encode: [] };
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const image = imaging.Image.decode(input, { limits: options.limits, intendedResize: options.resize });
    const t1 = performance.now();
    const resized = image.resize(options.resize);
    const t2 = performance.now();
    const output = resized.encode(options.encode);
    const t3 = performance.now();
    bytes = output.bytes.length;
    stages.decode.push(t1 - t0);
    stages.resize.push(t2 - t1);
    stages.encode.push(t3 - t2);
    image[Symbol.dispose]();
    resized[Symbol.dispose]();
  }
  const [decode, resize_, encode] = [stages.decode, stages.resize, stages.encode].map(median);
  return { decode, resize: resize_, encode, total: decode + resize_ + encode, bytes };
}

function probeTime(input) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    imaging.probe(input);
    times.push(performance.now() - t);
  }
  return median(times);
}

const ms = (x) => x.toFixed(1);
const rows = [];
for (const w of WORKLOADS) {
  const path = corpusPath(w.file);
  if (!path) {
    console.error(`SKIPPED: ${w.file} is not in the corpus; nothing to measure.`);
    continue;
  }
  const native = JSON.parse(execFileSync(NATIVE, [path, w.resize, w.format, String(RUNS)], { encoding: 'utf8' }));
  const wasm = wasmStages(new Uint8Array(readFileSync(path)), w.resize, w.format);
  for (const [build, r] of [['native', native], ['wasm (Node)', wasm]]) {
    rows.push(`| ${w.label} | ${build} | ${ms(r.decode)} | ${ms(r.resize)} | ${ms(r.encode)} | ${ms(r.total)} | ${r.bytes} |`);
  }
  rows.push(`| | **wasm ÷ native** | ${(wasm.decode / native.decode).toFixed(2)} | ${(wasm.resize / native.resize).toFixed(2)} | ${(wasm.encode / native.encode).toFixed(2)} | **${(wasm.total / native.total).toFixed(2)}** | |`);
}
const cores = (await import('node:os')).availableParallelism();
console.log(`Medians of ${RUNS} runs, milliseconds, ${cores === 1 ? 'pinned to one core' : `${cores} cores available`} (Node ${process.version}).\n`);
console.log('| workload | build | decode | resize | encode | total | output bytes |');
console.log('|---|---|---:|---:|---:|---:|---:|');
console.log(rows.join('\n'));
const sized = WORKLOADS.map((w) => [w, corpusPath(w.file)]).filter(([w, path]) => path && w.format === 'jpeg');
for (const [w, path] of sized) {
  const { bytes, imageCrateBytes } = JSON.parse(execFileSync(NATIVE, [path, w.resize, w.format, '1'], { encoding: 'utf8' }));
  console.log(`\nJPEG size for ${w.file}: ${bytes} bytes (jpeg-encoder, 4:2:0, optimised Huffman tables); the image crate's JpegEncoder (4:4:4, standard tables) writes ${imageCrateBytes} bytes for the same pixels (+${Math.round((imageCrateBytes / bytes - 1) * 100)}%).`);
}
const kleiber = corpusPath('kleiber-6028x3391.jpg');
if (kleiber) console.log(`\nprobe of kleiber (20 MP JPEG) in wasm: ${ms(probeTime(new Uint8Array(readFileSync(kleiber))))} ms`);
