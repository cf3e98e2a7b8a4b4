// Serves a built localpix (dist/) the way it should be deployed: the right MIME types (browsers
// compile .wasm only as application/wasm), the build's precompressed `.br`/`.gz` copies to
// browsers that accept them, validators (ETag) so a revalidation costs no body, no caching of the
// page itself, and the headers of
// `_headers` (the Content-Security-Policy among them), the same file Netlify or Cloudflare Pages
// would read. `make serve` and the end-to-end tests use it; docs/deploy.md covers other servers.
//
//   node tools/serve.mjs [--dir dist] [--host 127.0.0.1] [--port 8080]
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Reads a `_headers` file: blocks of a path (exact, or ending in `*` for a prefix) followed by
 * indented `Name: value` lines. Returns `path => headers`, later blocks overriding earlier ones.
 */
export function readHeaders(file) {
  const rules = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      rules.push({ path: line.trim(), headers: {} });
    } else if (rules.length) {
      const at = line.indexOf(':');
      rules.at(-1).headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
    }
  }
  const matches = (pattern, path) => (pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path);
  return (path) => Object.assign({}, ...rules.filter((rule) => matches(rule.path, path)).map((rule) => rule.headers));
}

/**
 * Starts a server for `dir`; resolves with it once listening. Headers come from `dir/_headers`
 * when it exists, plus what `headers(path)` adds.
 */
export function serve({ dir, host = '127.0.0.1', port = 8080, headers = () => ({}) }) {
  const root = resolve(dir);
  const fromFile = existsSync(join(root, '_headers')) ? readHeaders(join(root, '_headers')) : () => ({});
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://localhost');
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (path !== root && !path.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    let stats = statOrNull(path);
    if (stats?.isDirectory()) {
      path = join(path, 'index.html');
      stats = statOrNull(path);
    }
    if (!stats?.isFile() || url.pathname === '/_headers') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    const relative = path.slice(root.length).replaceAll(sep, '/');
    const requested = url.pathname;
    const encoding = precompressed(path, request.headers['accept-encoding'] ?? '');
    const sent = encoding ? { path: `${path}.${encoding.suffix}`, stats: statSync(`${path}.${encoding.suffix}`) } : { path, stats };
    const etag = `"${sent.stats.size.toString(16)}-${Math.floor(sent.stats.mtimeMs).toString(16)}${encoding ? `-${encoding.suffix}` : ''}"`;
    const common = {
      etag,
      vary: 'accept-encoding',
      // Trunk names built files by their content; everything else is checked on each load.
      'cache-control': /-[0-9a-f]{16}[._]/.test(relative) ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...fromFile(requested),
      ...headers(requested),
    };
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, common).end();
      return;
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'content-length': sent.stats.size,
      ...(encoding ? { 'content-encoding': encoding.name } : {}),
      ...common,
    });
    path = sent.path;
    if (request.method === 'HEAD') response.end();
    else createReadStream(path).pipe(response);
  });
  return new Promise((resolveListening) => server.listen(port, host, () => resolveListening(server)));
}

/**
 * Stops `server` now. A browser keeps connections open after its pages close, some never used
 * (Chromium preconnects); `server.close()` alone waits for them until Node's headers timeout,
 * 100 s in the end-to-end tests.
 */
export function stop(server) {
  server.closeAllConnections();
  return new Promise((done) => server.close(done));
}

/** Serves `dir` on a free port of 127.0.0.1, for tests and benchmarks: resolves with
 *  `{ url, port, close }`, where `close` is `stop`. */
export async function serveDir(dir, headers) {
  const server = await serve({ dir, port: 0, headers });
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, port, close: () => stop(server) };
}

/** The precompressed copy of `path` the client accepts, Brotli first: `{ name, suffix }` or null. */
function precompressed(path, accepted) {
  const accepts = (name) => new RegExp(`(^|[,\\s])${name}(?!;q=0(\\.0*)?\\b)`).test(accepted);
  for (const [name, suffix] of [['br', 'br'], ['gzip', 'gz']]) {
    if (accepts(name) && statOrNull(`${path}.${suffix}`)?.isFile()) return { name, suffix };
  }
  return null;
}

function statOrNull(path) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const [dir, host, port] = [arg('dir', 'dist'), arg('host', '127.0.0.1'), Number(arg('port', 8080))];
  await serve({ dir, host, port });
  console.log(`localpix is at http://${host}:${port}/ (serving ${dir}; Ctrl+C stops)`);
}
