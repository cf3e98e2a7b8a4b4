// Serves a built localpix (dist/) the way it should be deployed: the right MIME types (browsers
// compile .wasm only as application/wasm) and no caching of the page itself. `make serve` and the
// end-to-end tests use it; docs/deploy.md says what a production server must send.
//
//   node tools/serve.mjs [--dir dist] [--host 127.0.0.1] [--port 8080]
import { createReadStream, statSync } from 'node:fs';
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

/** Starts a server for `dir`; resolves with it once listening. `headers(path)` adds headers. */
export function serve({ dir, host = '127.0.0.1', port = 8080, headers = () => ({}) }) {
  const root = resolve(dir);
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
    if (!stats?.isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    const relative = path.slice(root.length).replaceAll(sep, '/');
    response.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'content-length': stats.size,
      // Trunk names built files by their content; everything else is checked on each load.
      'cache-control': /-[0-9a-f]{16}[._]/.test(relative) ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      ...headers(relative),
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(path).pipe(response);
  });
  return new Promise((resolveListening) => server.listen(port, host, () => resolveListening(server)));
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
