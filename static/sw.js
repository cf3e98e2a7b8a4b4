// The localpix service worker: after one visit, the app and its engine load and run with no
// network. The build's post-build hook (tools/post-build.mjs) writes `dist/sw.js` as this file
// preceded by `const PRECACHE = { version, files }`, the list of every built file and a hash of
// their contents, and by `const OFFLINE`, the names the page shares with this worker
// (app/js/protocol.js: a service worker cannot import modules in every browser). A new build is a
// new service worker, which waits until the user chooses to reload (the page offers it), so
// nothing changes under a running batch.
/* global PRECACHE, OFFLINE */

const CACHE = `localpix-${PRECACHE.version}`;
const SHARED = OFFLINE.sharedCache;
// Written last, once every file is cached: the page reads it to say "works offline" truthfully.
const READY = OFFLINE.readyMarker;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `cache: 'no-cache'` asks the server whether what the HTTP cache holds is still this build's:
      // the files the page has just loaded (the engine above all) come back as bodiless 304s, so
      // the first visit downloads them once, and the precache still holds exactly this build.
      await cache.addAll(PRECACHE.files.map((path) => new Request(path, { cache: 'no-cache' })));
      await cache.put(READY, Response.json({ version: PRECACHE.version, files: PRECACHE.files.length }));
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('localpix-') && name !== CACHE && name !== SHARED) await caches.delete(name);
      }
      // The first visit's page is controlled at once, so it works offline without a reload.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data?.type === OFFLINE.skipWaiting) self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (event.request.method === 'POST' && url.pathname === '/share-target') {
    event.respondWith(receiveShare(event.request));
    return;
  }
  if (event.request.method !== 'GET') return;
  event.respondWith(fromCache(event.request, url));
});

/** The precached file for a request (pages by path, whatever their query), else the network. */
async function fromCache(request, url) {
  const cache = await caches.open(CACHE);
  let key = request;
  if (request.mode === 'navigate') key = url.pathname.endsWith('/embed.html') ? '/embed.html' : '/index.html';
  const cached = await cache.match(key, { ignoreSearch: true });
  return cached ?? fetch(request);
}

/** A share from another app (manifest `share_target`): keep its images for the page, then open it. */
async function receiveShare(request) {
  const form = await request.formData();
  const cache = await caches.open(SHARED);
  let n = 0;
  for (const file of form.getAll('images')) {
    if (!(file instanceof File)) continue;
    const headers = { 'content-type': file.type || 'application/octet-stream', [OFFLINE.fileNameHeader]: encodeURIComponent(file.name) };
    await cache.put(`/__localpix/shared/${Date.now()}-${n++}`, new Response(file, { headers }));
  }
  return Response.redirect('/?shared', 303);
}
