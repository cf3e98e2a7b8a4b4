// `make bench-jpeg`: the engine with localpix-jpeg against the same engine with jpeg-decoder
// 0.3.2 (the `jpeg-decoder-0_3` feature), stage by stage (decode, resize, encode), natively
// (examples/bench.rs) and as the component in Node, the two builds interleaved run by run.
// Prints a Markdown table of medians of RUNS runs (milliseconds) and the new ÷ old ratios.
// The Makefile pins this process, and so the native ones, to one core.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, corpusPath } from '../support/files.mjs';

const RUNS = Number(process.env.RUNS ?? 7);
const OLD = join(ROOT, 'target/jpeg-decoder-0_3');
const builds = {
  new: { native: join(ROOT, 'target/release/examples/bench'), wasm: (await import('../../target/component/node/localpix_core.js')).imaging },
  old: { native: join(OLD, 'release/examples/bench'), wasm: (await import('../../target/jpeg-decoder-0_3/component/node/localpix_core.js')).imaging },
};

// Full size (nothing to reduce: the fit is bigger than the photo) and the app's default job.
const WORKLOADS = [
  { file: 'kleiber-6028x3391.jpg', resize: 'fit:1920:1920', label: 'kleiber 20 MP → fit 1920 (decode at 1/2)' },
  { file: 'kleiber-6028x3391.jpg', resize: 'fit:8000:8000', label: 'kleiber 20 MP, full size' },
  { file: 'painting-6000x4000.jpg', resize: 'fit:1920:1920', label: 'painting 24 MP → fit 1920 (decode at 1/2)' },
  { file: 'painting-6000x4000.jpg', resize: 'fit:8000:8000', label: 'painting 24 MP, full size' },
];

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One run of the three stages through the component's `image` resource. */
function wasmRun(imaging, input, resize) {
  const options = imaging.defaultOptions();
  const [, w, h] = resize.split(':').map(Number);
  options.resize.mode = { tag: 'fit-within', val: { width: w, height: h } };
  options.encode.encoding.format = 'jpeg';
  const t0 = performance.now();
  const image = imaging.Image.decode(input, { limits: options.limits, intendedResize: options.resize });
  const t1 = performance.now();
  const resized = image.resize(options.resize);
  const t2 = performance.now();
  const output = resized.encode(options.encode);
  const t3 = performance.now();
  image[Symbol.dispose]();
  resized[Symbol.dispose]();
  return { decode: t1 - t0, resize: t2 - t1, encode: t3 - t2, bytes: output.bytes.length };
}

/** One run of the native example (it times the same stages itself). */
function nativeRun(binary, path, resize) {
  return JSON.parse(execFileSync(binary, [path, resize, 'jpeg', '1'], { encoding: 'utf8' }));
}

const ms = (x) => x.toFixed(1);
console.log(`Medians of ${RUNS} runs, milliseconds, new and old interleaved (Node ${process.version}).\n`);
console.log('| workload | build | decoder | decode | resize | encode | total | output bytes |');
console.log('|---|---|---|--:|--:|--:|--:|--:|');
for (const w of WORKLOADS) {
  const path = corpusPath(w.file);
  if (!path) {
    console.error(`SKIPPED: ${w.file} is not in the corpus.`);
    continue;
  }
  const input = new Uint8Array(readFileSync(path));
  for (const build of ['native', 'wasm']) {
    const runs = { new: [], old: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const which of ['new', 'old']) {
        runs[which].push(build === 'native' ? nativeRun(builds[which].native, path, w.resize) : wasmRun(builds[which].wasm, input, w.resize));
      }
    }
    const summary = {};
    for (const which of ['new', 'old']) {
      const stage = (name) => median(runs[which].map((r) => r[name]));
      const s = { decode: stage('decode'), resize: stage('resize'), encode: stage('encode'), bytes: runs[which][0].bytes };
      s.total = s.decode + s.resize + s.encode;
      summary[which] = s;
      const name = which === 'new' ? 'localpix-jpeg' : 'jpeg-decoder 0.3.2';
      console.log(`| ${w.label} | ${build} | ${name} | ${ms(s.decode)} | ${ms(s.resize)} | ${ms(s.encode)} | ${ms(s.total)} | ${s.bytes} |`);
    }
    const ratio = (name) => (summary.new[name] / summary.old[name]).toFixed(2);
    console.log(`| | ${build} | **new ÷ old** | **${ratio('decode')}** | ${ratio('resize')} | ${ratio('encode')} | **${ratio('total')}** | |`);
  }
}
