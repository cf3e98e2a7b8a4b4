// docs/deploy.md's nginx configuration, run for real (Debian's nginx, installed by `make test`)
// over the built dist/: every path must carry the same security headers as static/_headers gives
// it through tools/serve.mjs (what Netlify and Cloudflare Pages read). nginx drops server-level
// add_header lines in locations with their own, which is easy to get wrong and silent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { serveDist } from '../support/browser.mjs';
import { ROOT, scratchDir } from '../support/files.mjs';

const DIST = join(ROOT, 'dist');
const HEADERS = [
  'content-security-policy',
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'permissions-policy',
  'access-control-allow-origin',
  'cross-origin-resource-policy',
  'cache-control',
];

let nginx;
let nginxUrl;
let reference;

/** The ```nginx blocks of docs/deploy.md, in order. */
function documentedBlocks() {
  const doc = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
  return [...doc.matchAll(/```nginx\n([\s\S]*?)```/g)].map((m) => m[1]);
}

before(async () => {
  const [common, server] = documentedBlocks();
  assert.ok(common && server, 'docs/deploy.md has the snippet and the server block');
  const dir = scratchDir('localpix-nginx-');
  mkdirSync(join(dir, 'snippets'));
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'snippets/localpix-common.conf'), common);
  // nginx's workers run unprivileged: they get a copy of dist/ in a directory they can read, as
  // the checkout may sit under one they cannot (a `mktemp -d` folder is mode 700).
  chmodSync(dir, 0o755);
  cpSync(DIST, join(dir, 'dist'), { recursive: true });
  // The documented server, on a local port over HTTP instead of 443 with TLS, serving dist/.
  const port = 20000 + Math.floor(Math.random() * 20000);
  const site = server
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${port};`)
    .replace('root /srv/localpix/dist;', `root ${join(dir, 'dist')};`)
    .replace('include mime.types;', 'include /etc/nginx/mime.types;');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; pid ${dir}/nginx.pid; error_log ${dir}/logs/error.log;\nevents {}\nhttp {\naccess_log off;\n` +
      `client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;\n${site}\n}\n`,
  );
  nginx = spawn(existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'inherit', 'inherit'] });
  nginxUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(nginxUrl);
      break;
    } catch (e) {
      if (i > 100 || nginx.exitCode !== null) throw new Error(`nginx did not start: ${e.message}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }
  reference = await serveDist();
});

after(async () => {
  nginx?.kill();
  await reference?.close();
});

test('the documented nginx configuration sends the same security headers as _headers, on every kind of path', async () => {
  const hashed = readdirSync(DIST).find((name) => /-[0-9a-f]{16}[._]/.test(name));
  const paths = ['/', '/index.html', '/embed.html', '/embed.js', '/protocol.js', '/sw.js', '/worker.js', '/manifest.webmanifest', `/${hashed}`, '/component/localpix_core.core.wasm'];
  for (const path of paths) {
    const [ours, theirs] = await Promise.all([fetch(reference.url.slice(0, -1) + path), fetch(nginxUrl + path)]);
    assert.equal(theirs.status, 200, path);
    const pick = (response) => Object.fromEntries(HEADERS.map((name) => [name, response.headers.get(name)]).filter(([, v]) => v !== null));
    assert.deepEqual(pick(theirs), pick(ours), `${path}: nginx and _headers disagree`);
    if (path.endsWith('.wasm')) assert.equal(theirs.headers.get('content-type'), 'application/wasm');
  }
});

test('both servers send the build\'s precompressed engine, and a revalidation costs no body', async () => {
  const path = '/component/localpix_core.core.wasm';
  const size = statSync(join(DIST, path)).size;
  const get = (base, encoding, extra = {}) => fetch(base + path, { headers: { 'accept-encoding': encoding, ...extra } });
  // Node's fetch would decode the body: compare the announced encoding and length instead.
  const gzipped = statSync(join(DIST, `${path}.gz`)).size;
  for (const base of [nginxUrl, reference.url.slice(0, -1)]) {
    const response = await get(base, 'gzip');
    assert.equal(response.headers.get('content-encoding'), 'gzip', base);
    assert.equal(Number(response.headers.get('content-length')), gzipped, base);
    assert.ok(gzipped < size / 2, `the engine gzipped is ${gzipped} of ${size} bytes`);
    await response.arrayBuffer();
  }
  const br = await get(reference.url.slice(0, -1), 'gzip, deflate, br');
  assert.equal(br.headers.get('content-encoding'), 'br');
  assert.equal(Number(br.headers.get('content-length')), statSync(join(DIST, `${path}.br`)).size);
  await br.arrayBuffer();
  const plain = await get(reference.url.slice(0, -1), 'identity');
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.equal(Number(plain.headers.get('content-length')), size);
  await plain.arrayBuffer();
  // What the service worker's precache does after the page has loaded the engine.
  const again = await get(reference.url.slice(0, -1), 'br', { 'if-none-match': br.headers.get('etag') });
  assert.equal(again.status, 304);
});
