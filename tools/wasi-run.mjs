// Runs a WebAssembly (WASI preview 1) program in Node, as cargo's runner for the
// wasm32-wasip1 target: `node tools/wasi-run.mjs PROGRAM.wasm ARGS…`. Lets `cargo test` run a
// crate's unit tests with simd128 compiled in (see crates/localpix-jpeg/README.md).
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const [program, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [program, ...args], env: process.env, preopens: { '/': '/' }, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(program));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
