// The `localpix` CLI (cli/, wasmtime) against the jco build of the same component in Node: the
// same file, so the same bytes and the same errors. `make test-cli` builds both first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { imaging } from '../../target/component/node/localpix_core.js';
import { fixture, fixturePath, FIXTURES, ROOT, scratchDir } from '../support/files.mjs';

const BIN = process.env.LOCALPIX_BIN ?? join(ROOT, 'cli/target/release/localpix');
// Every file the tests write, removed at the end (big test images included).
const TMP = scratchDir('localpix-cli-test-');
// A cache of its own, so the first run here compiles and the rest load the cached code.
const CACHE = mkdtempSync(join(TMP, 'cache-'));
const ENV = { ...process.env, XDG_CACHE_HOME: CACHE };

function localpix(args, { input } = {}) {
  const run = spawnSync(BIN, args, { env: ENV, input, maxBuffer: 1 << 28 });
  assert.equal(run.error, undefined, `${BIN} did not run: ${run.error}`);
  return run;
}

function tempDir(name) {
  return mkdtempSync(join(TMP, `${name}-`));
}

/** The engine options the CLI gives the component for these settings (its --show-options). */
function optionsFor(settings) {
  const run = localpix(['--show-options', 'x', ...settings]);
  assert.equal(run.status, 0, run.stderr.toString());
  return JSON.parse(run.stdout);
}

/** jco's result for the same input and options: the bytes, or the error's variant. */
function inNode(bytes, options) {
  try {
    return { bytes: imaging.process(bytes, options).bytes };
  } catch (e) {
    assert.ok(e.payload, `a trap in Node: ${e}`);
    return { variant: e.payload.tag };
  }
}

const jsonLines = (buffer) => buffer.toString().trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));

/** Every file below `dir`, as { relative path: bytes }. */
function tree(dir) {
  const files = {};
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path);
    }
  };
  walk(dir);
  return files;
}

const IMAGES = readdirSync(FIXTURES).filter((name) => /\.(jpe?g|png|webp|gif|bmp|tiff?)$/i.test(name));

for (const format of ['jpeg', 'png', 'webp-lossless']) {
  for (const metadata of ['strip-all', 'keep-color-profile', 'keep-safe']) {
    test(`every fixture as ${format} with metadata ${metadata}: the bytes (or the error) jco gives`, () => {
      const settings = ['--format', format, '--metadata', metadata, '--width', '320', '--height', '320'];
      const out = tempDir('same');
      const run = localpix([FIXTURES, '--out', out, '--json', ...settings]);
      const lines = jsonLines(run.stdout);
      assert.deepEqual(lines.map((l) => l.name), IMAGES, 'one JSON line per fixture, in order');
      const options = optionsFor(settings);
      assert.equal(options.encode.encoding.format, format);
      for (const line of lines) {
        const expected = inNode(fixture(line.name), options);
        if (expected.variant) {
          assert.equal(line.error?.variant, expected.variant, `${line.name}: ${JSON.stringify(line.error)}`);
        } else {
          assert.equal(line.error, undefined, `${line.name}: ${JSON.stringify(line.error)}`);
          const written = readFileSync(line.result);
          assert.ok(Buffer.from(expected.bytes).equals(written), `${line.name}: the CLI's ${line.result} differs from jco's`);
          assert.equal(line.bytes, written.length);
        }
      }
      assert.equal(run.status, lines.some((l) => l.error) ? 1 : 0, run.stderr.toString());
    });
  }
}

test('hostile inputs: the same error variant as in Node, a non-zero exit, and the good files written', () => {
  const dir = tempDir('hostile');
  const photo = fixture('photo-640x400.jpg');
  let state = 12345;
  const next = () => (state = (state * 1664525 + 1013904223) >>> 0);
  const flipped = photo.slice();
  for (let i = 0; i < 40; i++) flipped[200 + (next() % (flipped.length - 200))] = next() & 0xff;
  const hostile = {
    'cut.jpg': photo.subarray(0, photo.length / 2),
    'empty.png': new Uint8Array(),
    'noise.webp': Uint8Array.from({ length: 5000 }, () => next() & 0xff),
    'heic.jpg': new Uint8Array([0, 0, 0, 0x18, ...Buffer.from('ftypheic'), 0, 0, 0, 0, ...Buffer.from('mif1heic')]),
    'flipped.jpg': flipped,
  };
  for (const [name, bytes] of Object.entries(hostile)) writeFileSync(join(dir, name), bytes);
  for (const good of ['alpha-640x360.png', 'phone-orient6-gps.jpg']) copyFileSync(fixturePath(good), join(dir, good));
  const out = tempDir('hostile-out');
  const run = localpix([dir, '--out', out, '--json']);
  assert.equal(run.status, 1, 'a failed file makes the exit code say so');
  const options = optionsFor([]);
  const lines = jsonLines(run.stdout);
  assert.equal(lines.length, 7);
  let failures = 0;
  for (const line of lines) {
    const expected = inNode(new Uint8Array(readFileSync(join(dir, line.name))), options);
    if (expected.variant) {
      failures++;
      assert.equal(line.error?.variant, expected.variant, line.name);
      assert.ok(line.error.message.length > 20, `${line.name}: a message for people`);
    } else {
      assert.ok(Buffer.from(expected.bytes).equals(readFileSync(line.result)), line.name);
    }
  }
  assert.ok(failures >= 4, `${failures} of the hostile files failed`);
  for (const good of ['alpha-640x360', 'phone-orient6-gps']) {
    assert.ok(readdirSync(out).some((name) => name.startsWith(`${good}-`)), `${good}'s result is written`);
  }
  assert.match(run.stderr.toString(), /failed/);
});

test('- reads stdin and writes the result to stdout', () => {
  const input = fixture('phone-orient6-gps.jpg');
  const expected = inNode(input, optionsFor(['--width', '200', '--format', 'png']));
  const piped = localpix(['-', '--width', '200', '--format', 'png', '--json'], { input });
  assert.equal(piped.status, 0, piped.stderr.toString());
  assert.ok(Buffer.from(expected.bytes).equals(piped.stdout), 'stdout holds exactly the image');
  const report = JSON.parse(piped.stderr.toString().trim());
  assert.deepEqual([report.result, report.format, report.bytes], ['-', 'png', expected.bytes.length]);
  // Without a time limit: the same engine process, no timer.
  const untimed = localpix(['-', '--width', '200', '--format', 'png', '--timeout', '0'], { input });
  assert.ok(Buffer.from(expected.bytes).equals(untimed.stdout), '--timeout 0 gives the same image');
  const broken = localpix(['-'], { input: input.subarray(0, 100) });
  assert.equal(broken.status, 1);
  assert.equal(broken.stdout.length, 0, 'nothing on stdout when it fails');
});

test('probe --json: the info jco gives, and the private data found', () => {
  const names = ['phone-orient6-gps.jpg', 'private-text.png', 'one-pixel.png'];
  const run = localpix(['probe', '--json', ...names.map(fixturePath)]);
  assert.equal(run.status, 0, run.stderr.toString());
  const lines = jsonLines(run.stdout);
  for (const [i, name] of names.entries()) {
    const info = JSON.parse(JSON.stringify(imaging.probe(fixture(name))));
    assert.deepEqual(lines[i].info, info, name);
  }
  assert.ok(lines[0].private.includes('location'), JSON.stringify(lines[0].private));
  assert.deepEqual(lines[2].private, []);
  const text = localpix(['probe', fixturePath('phone-orient6-gps.jpg')]).stdout.toString();
  assert.match(text, /location \(GPS, places\)/);
  // The compiled engine was kept for the next run, under the component's hash.
  assert.ok(readdirSync(join(CACHE, 'localpix')).some((name) => name.endsWith('.cwasm')));
});

test('--jobs 2 writes exactly the files --jobs 1 writes (names of repeats included)', () => {
  const dir = tempDir('jobs');
  mkdirSync(join(dir, 'again'));
  for (const name of IMAGES) {
    copyFileSync(fixturePath(name), join(dir, name));
    copyFileSync(fixturePath(name), join(dir, 'again', name));
  }
  // The same name in two formats: both become photo-…w.jpg, numbered in input order.
  copyFileSync(fixturePath('photo-640x400.jpg'), join(dir, 'photo-640x400.png'));
  const outputs = [1, 2].map((jobs) => {
    const out = tempDir(`jobs${jobs}`);
    localpix([dir, '--recursive', '--out', out, '--jobs', String(jobs), '--format', 'jpeg', '--width', '300']);
    return tree(out);
  });
  assert.ok(Object.keys(outputs[0]).length > IMAGES.length, Object.keys(outputs[0]).join(' '));
  assert.ok(Object.keys(outputs[0]).includes('photo-640x400-300w-2.jpg'));
  assert.deepEqual(Object.keys(outputs[1]).sort(), Object.keys(outputs[0]).sort());
  for (const [name, bytes] of Object.entries(outputs[0])) assert.ok(bytes.equals(outputs[1][name]), name);
});

test('inputs are never overwritten, and --dry-run writes nothing', () => {
  const dir = tempDir('inplace');
  // Results written beside their originals, one of which already has a result's name.
  copyFileSync(fixturePath('photo-640x400.jpg'), join(dir, 'photo-640x400-640w.jpg'));
  const before = readFileSync(join(dir, 'photo-640x400-640w.jpg'));
  const dry = localpix([dir, '--out', dir, '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr.toString());
  assert.match(dry.stdout.toString(), /would write .*photo-640x400-640w-640w\.jpg/);
  assert.deepEqual(readdirSync(dir), ['photo-640x400-640w.jpg']);
  copyFileSync(fixturePath('photo-640x400.jpg'), join(dir, 'photo-640x400.jpg'));
  const run = localpix([dir, '--out', dir]);
  assert.equal(run.status, 0, run.stderr.toString());
  assert.ok(readFileSync(join(dir, 'photo-640x400-640w.jpg')).equals(before), 'the input is untouched');
  assert.deepEqual(readdirSync(dir).sort(), ['photo-640x400-640w-2.jpg', 'photo-640x400-640w-640w.jpg', 'photo-640x400-640w.jpg', 'photo-640x400.jpg']);
});

/** An uncompressed 24-bit BMP: `noise` gives random pixels (slow to encode), else flat grey. */
function bmp(w, h, { noise = false } = {}) {
  const bytes = Buffer.alloc(54 + w * h * 3, 0x80).fill(0, 0, 54);
  bytes.write('BM', 0);
  bytes.writeUInt32LE(bytes.length, 2);
  bytes.writeUInt32LE(54, 10);
  bytes.writeUInt32LE(40, 14);
  bytes.writeInt32LE(w, 18);
  bytes.writeInt32LE(h, 22);
  bytes.writeUInt16LE(1, 26);
  bytes.writeUInt16LE(24, 28);
  let state = 1;
  for (let i = 54; noise && i < bytes.length; i++) bytes[i] = (state = (state * 1103515245 + 12345) & 0x7fffffff) >> 16;
  return bytes;
}

test('a file over the memory limit fails alone: the instance is replaced and the next file is done', () => {
  const dir = tempDir('limit');
  // 3000×3000: 27 MB of pixels, more than a 24 MiB instance may hold.
  writeFileSync(join(dir, 'a-big.bmp'), bmp(3000, 3000));
  copyFileSync(fixturePath('photo-640x400.jpg'), join(dir, 'b-small.jpg'));
  const out = tempDir('limit-out');
  const run = localpix([dir, '--out', out, '--json', '--jobs', '1', '--memory', '24']);
  const [big, small] = jsonLines(run.stdout);
  assert.equal(big.error?.variant, 'stopped', JSON.stringify(big));
  assert.match(big.error.message, /memory limit \(24 MiB/);
  assert.equal(small.error, undefined, JSON.stringify(small));
  assert.equal(run.status, 1);
});

/** The engine processes (`localpix engine-worker`) the CLI process `pid` has running now. */
function enginesOf(pid) {
  const engines = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the command's name: state, parent, … and the user and system CPU time (fields 14, 15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== pid || fields[0] === 'Z') continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[1] !== 'engine-worker') continue;
      engines.push({ pid: Number(entry), cpuTicks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // It ended while we looked.
    }
  }
  return engines;
}

function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Runs the CLI in the background, calling `watch(pid)` every 20 ms until it exits. */
async function localpixWatched(args, watch) {
  const child = spawn(BIN, args, { env: ENV });
  const [stdout, stderr] = [[], []];
  child.stdout.on('data', (data) => stdout.push(data));
  child.stderr.on('data', (data) => stderr.push(data));
  let status;
  child.on('close', (code) => (status = code));
  while (status === undefined) {
    watch(child.pid);
    await sleep(20);
  }
  return { status, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) };
}

// PNG at its smallest, measured, on 9 MP of noise: about 4 s of CPU here; the fixtures below take
// a tenth of a second or less, well under a second's limit on a busy machine too.
const SLOW_SETTINGS = ['--mode', 'none', '--format', 'png', '--effort', 'smallest', '--score'];

test('a file over the time limit: its engine process is killed, it fails with the limit, the other files are written', async () => {
  const dir = tempDir('slow');
  writeFileSync(join(dir, 'a-noise.bmp'), bmp(3000, 3000, { noise: true }));
  const small = ['one-pixel.png', 'orientation-6.jpg', 'private-all.jpg', 'private-comment.gif'];
  for (const name of small) copyFileSync(fixturePath(name), join(dir, `b-${name}`));
  const options = optionsFor(SLOW_SETTINGS);
  const trees = [];
  for (const jobs of [1, 2]) {
    const out = tempDir(`slow-out${jobs}`);
    const engines = new Set();
    const run = await localpixWatched([dir, '--out', out, '--json', '--jobs', String(jobs), '--timeout', '1', ...SLOW_SETTINGS], (pid) => {
      for (const engine of enginesOf(pid)) engines.add(engine.pid);
    });
    const [slow, ...others] = jsonLines(run.stdout);
    assert.equal(slow.error?.variant, 'stopped', JSON.stringify(slow));
    assert.match(slow.error.message, /time limit \(1 s/);
    assert.equal(others.length, small.length);
    for (const line of others) {
      assert.equal(line.error, undefined, JSON.stringify(line));
      assert.ok(Buffer.from(inNode(fixture(line.name.slice(2)), options).bytes).equals(readFileSync(line.result)), line.name);
    }
    assert.equal(run.status, 1);
    // One engine process per job, and with one job a second for the files after the slow one.
    assert.ok(engines.size >= (jobs === 1 ? 2 : 1), `--jobs ${jobs}: engine processes seen: ${[...engines]}`);
    assert.deepEqual([...engines].filter(alive), [], 'no engine process outlives the run');
    trees.push(tree(out));
  }
  assert.deepEqual(Object.keys(trees[1]).sort(), Object.keys(trees[0]).sort(), '--jobs 2 writes what --jobs 1 writes');
  for (const [name, bytes] of Object.entries(trees[0])) assert.ok(bytes.equals(trees[1][name]), name);
});

test('an engine process that dies fails only the file it was on; the next file gets a new one', async () => {
  const dir = tempDir('crash');
  writeFileSync(join(dir, 'a-noise.bmp'), bmp(3000, 3000, { noise: true }));
  copyFileSync(fixturePath('private-all.jpg'), join(dir, 'b-photo.jpg'));
  // The compiled engine in the cache first: an engine process compiling it would be busy before
  // it has any file.
  assert.equal(localpix(['probe', fixturePath('one-pixel.png')]).status, 0);
  const out = tempDir('crash-out');
  let killed;
  const run = await localpixWatched([dir, '--out', out, '--json', '--jobs', '1', '--timeout', '0', ...SLOW_SETTINGS], (pid) => {
    // Busy for 0.3 s of CPU, far more than starting takes: it is on the slow first file.
    const busy = enginesOf(pid).find((engine) => engine.cpuTicks >= 30);
    if (busy && !killed) {
      killed = busy.pid;
      process.kill(killed, 'SIGKILL');
    }
  });
  assert.ok(killed, 'an engine process was seen at work');
  const [crashed, next] = jsonLines(run.stdout);
  assert.equal(crashed.error?.variant, 'stopped', JSON.stringify(crashed));
  assert.match(crashed.error.message, /process ended: signal: 9/);
  assert.equal(next.error, undefined, JSON.stringify(next));
  const expected = inNode(fixture('private-all.jpg'), optionsFor(SLOW_SETTINGS));
  assert.ok(Buffer.from(expected.bytes).equals(readFileSync(next.result)));
  assert.equal(run.status, 1);
});

test('an interrupted run leaves no partial file: every file written is whole', async () => {
  const dir = tempDir('kill');
  const photo = fixturePath('phone-orient6-gps.jpg');
  for (let i = 0; i < 300; i++) copyFileSync(photo, join(dir, `p${String(i).padStart(3, '0')}.jpg`));
  const expected = Buffer.from(inNode(fixture('phone-orient6-gps.jpg'), optionsFor([])).bytes);
  for (const signal of ['SIGKILL', 'SIGINT']) {
    const out = tempDir('kill-out');
    const child = spawn(BIN, [dir, '--out', out, '--jobs', '2'], { env: ENV, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
    while (readdirSync(out).length < 20) await sleep(5);
    const engines = enginesOf(child.pid).map((engine) => engine.pid);
    child.kill(signal);
    const { code, sig } = await exited;
    if (signal === 'SIGINT') assert.equal(code, 130, 'Ctrl-C stops the run with 130');
    else assert.equal(sig, 'SIGKILL');
    // Its engine processes end with it, even when it is killed.
    assert.equal(engines.length, 2, `${signal}: engine processes: ${engines}`);
    for (let i = 0; i < 100 && engines.some(alive); i++) await sleep(20);
    assert.deepEqual(engines.filter(alive), [], `${signal}: engine processes left running`);
    const names = readdirSync(out);
    assert.ok(names.length < 300, `${signal} came too late to test anything`);
    for (const name of names) {
      assert.match(name, /^p\d{3}-\d+w\.jpg$/, `${signal}: ${name} is not a result`);
      assert.ok(readFileSync(join(out, name)).equals(expected), `${signal}: ${name} is not whole`);
    }
  }
});
