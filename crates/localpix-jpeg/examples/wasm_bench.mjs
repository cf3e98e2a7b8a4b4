// Times localpix-jpeg against jpeg-decoder 0.3.2, both compiled to WebAssembly with simd128 and
// run in Node, interleaved call by call. Prints per file and reduction the median milliseconds
// of each, their ratio, and the pixel checksums (compare them with the native
// `cargo run --release -p localpix-jpeg --example checksums FILE…`).
//
// node crates/localpix-jpeg/examples/wasm_bench.mjs [--runs N] [--reductions 1,2] FILE.jpg…
//
// With `--against OTHER.wasm` (a copy of wasm_bench.wasm from an earlier commit), this build's
// localpix-jpeg is timed against that build's instead, and the checksums must agree: how a change
// to the decoder is measured. The two take turns at going first: in Node the call made second
// in each pair ran 2–5% quicker, the same code against itself, which alone made a change that
// gained nothing read as 5–9% faster when it always went second (docs/jpeg-decoder.md).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at < 0 ? fallback : args.splice(at, 2)[1];
};
const runs = Number(option('--runs', 9));
const reductions = option('--reductions', '1,2').split(',').map(Number);
const against = option('--against', null);
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const load = async (path) => (await WebAssembly.instantiate(readFileSync(path), {})).instance.exports;
const build = await load(join(root, 'target/wasm32-unknown-unknown/release/examples/wasm_bench.wasm'));
const other = against ? await load(against) : build;
const decodeNew = build.decode_new;
const decodeOld = against ? other.decode_new : build.decode_old;

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hex = (x) => (x >>> 0).toString(16).padStart(8, '0');

const theirs = against ? `${against.split('/').pop()} ms` : 'jpeg-decoder ms';
console.log(`| file | scale | localpix-jpeg ms | ${theirs} | ratio | checksum |`);
console.log('|---|---|--:|--:|--:|---|');
for (const path of args) {
  const bytes = readFileSync(path);
  for (const instance of new Set([build, other])) {
    const at = instance.input(bytes.length);
    new Uint8Array(instance.memory.buffer, at, bytes.length).set(bytes);
  }
  for (const reduction of reductions) {
    const times = { new: [], old: [] };
    let sum = 0;
    decodeNew(reduction); // warm up both
    decodeOld(reduction);
    const timed = (decode, into) => {
      const t = performance.now();
      decode(reduction);
      into.push(performance.now() - t);
    };
    for (let i = 0; i < runs; i++) {
      // Each goes first in every other pair (see above).
      if (i % 2 === 0) {
        timed(decodeNew, times.new);
        // Read before the other decode: without --against it is the same instance's.
        if (i === 0) sum = build.last_checksum();
        timed(decodeOld, times.old);
      } else {
        timed(decodeOld, times.old);
        timed(decodeNew, times.new);
      }
      if (i === 0 && against && other.last_checksum() !== sum) {
        throw new Error(`${path} at 1/${reduction}: the two builds decode different pixels`);
      }
    }
    const [a, b] = [median(times.new), median(times.old)];
    const name = path.split('/').pop();
    console.log(`| ${name} | 1/${reduction} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(a / b).toFixed(2)} | ${hex(sum)} |`);
  }
}
