// The engine's stages in WebAssembly without the component layer, and the memory they took:
// runs `core-component/examples/bench.rs` built for wasm32-wasip1 in Node's WASI, then prints the
// instance's linear memory (it only grows, so this is the run's peak).
//
//   RUSTFLAGS="-C target-feature=+simd128" cargo build --release --target wasm32-wasip1 \
//     -p localpix-core --no-default-features --example bench
//   node tests/bench/wasi-stages.mjs target/wasm32-wasip1/release/examples/bench.wasm \
//     ../shared/corpus/patak-5120x2880-rgba.png width:1280 png 5
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [wasm, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['bench', ...args], env: process.env, preopens: { '/': '/' } });
const module = await WebAssembly.compile(readFileSync(wasm));
const imports = wasi.getImportObject();
// The component's resource intrinsics are linked into the example but never called by it.
for (const { module: from, name } of WebAssembly.Module.imports(module)) {
  if (!imports[from]?.[name]) (imports[from] ??= {})[name] = () => { throw new Error(`${from}.${name} called`); };
}
const instance = await WebAssembly.instantiate(module, imports);
wasi.start(instance);
console.log(`memory ${(instance.exports.memory.buffer.byteLength / 2 ** 20).toFixed(0)} MiB`);
