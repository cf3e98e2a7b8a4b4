// Trunk's post_build hook (Trunk.toml): finishes the build in Trunk's staging directory.
//
// 1. Moves the inline module script Trunk writes into index.html (trunk-rs/trunk#288) into a file
//    of its own, so the Content-Security-Policy needs no 'unsafe-inline' and no hashes.
// 2. Writes embed.html, the widget page: index.html marked `data-mode="embed"`.
// 3. Writes sw.js: static/sw.js preceded by the precache list (every built file), a version
//    made from their contents (so each build with a change is a new service worker), and the
//    names it shares with the page (app/js/protocol.js `OFFLINE`).
// 4. Writes a Brotli (`.br`) and a gzip (`.gz`) copy beside each text and wasm file, for servers
//    that send precompressed files (tools/serve.mjs, nginx's gzip_static: docs/deploy.md): the
//    engine goes over the wire at a third of its size, and no server compresses on each request.
//
// Run by hand on a built directory: `node tools/post-build.mjs dist`.
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { OFFLINE } from '../app/js/protocol.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('usage: post-build.mjs <built dir> (or run as a Trunk hook)');

const sha = (data) => createHash('sha256').update(data).digest('hex');

// 1. The inline loader, moved out.
const indexPath = join(dir, 'index.html');
let index = readFileSync(indexPath, 'utf8');
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const loader = index.match(inline);
if (loader) {
  const name = `boot-${sha(loader[1]).slice(0, 16)}.js`;
  writeFileSync(join(dir, name), loader[1].trim() + '\n');
  index = index.replace(inline, `<script type="module" src="/${name}"></script>`);
  writeFileSync(indexPath, index);
}
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(index)) throw new Error('index.html still has an inline script: the CSP would block it');

// 2. The widget page.
const embed = index
  .replace('<html lang="en">', '<html lang="en" data-mode="embed">')
  .replace(/<title>[^<]*<\/title>/, '<title>localpix widget</title>')
  .replace(/<link rel="manifest"[^>]*>\s*/, '');
if (!embed.includes('data-mode="embed"')) throw new Error('index.html has no <html lang="en"> to mark as the widget');
writeFileSync(join(dir, 'embed.html'), embed);

// 3. The service worker, with every file to precache.
const skip = new Set(['sw.js', '_headers', '.trunk-lock']);
const files = walk(dir)
  .map((path) => relative(dir, path).split(sep).join('/'))
  .filter((path) => !skip.has(path) && !path.endsWith('.d.ts') && !path.startsWith('.') && !/\.(br|gz)$/.test(path))
  .sort();
const version = sha(files.map((path) => `${path}:${sha(readFileSync(join(dir, path)))}`).join('\n')).slice(0, 16);
const precache = { version, files: ['/', ...files.map((path) => `/${path}`)] };
const template = readFileSync(join(ROOT, 'static/sw.js'), 'utf8');
writeFileSync(
  join(dir, 'sw.js'),
  `const PRECACHE = ${JSON.stringify(precache, null, 2)};\nconst OFFLINE = ${JSON.stringify(OFFLINE, null, 2)};\n\n${template}`,
);
console.log(`post-build: ${files.length} files precached, version ${version}`);

// 4. Precompressed copies, kept only where they are smaller.
const COMPRESSIBLE = /\.(html|js|mjs|css|wasm|json|webmanifest|svg|txt)$/;
let [raw, brotli] = [0, 0];
for (const path of [...files, 'sw.js'].filter((path) => COMPRESSIBLE.test(path))) {
  const data = readFileSync(join(dir, path));
  const br = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  const gz = gzipSync(data, { level: 9 });
  if (br.length < data.length) writeFileSync(join(dir, `${path}.br`), br);
  if (gz.length < data.length) writeFileSync(join(dir, `${path}.gz`), gz);
  raw += data.length;
  brotli += Math.min(br.length, data.length);
}
console.log(`post-build: ${(raw / 1e6).toFixed(2)} MB of text and wasm, ${(brotli / 1e6).toFixed(2)} MB with Brotli`);

function walk(path) {
  return readdirSync(path).flatMap((entry) => {
    const full = join(path, entry);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}
