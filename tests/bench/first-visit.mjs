// The first visit, measured: how long until files can be chosen (the page's shell), until the app
// runs, until the engine is ready, and until everything is stored for offline use; and every
// request with the bytes it moved. In headless Chromium on localhost, as it is and with Chrome
// DevTools' "Slow 4G" preset applied through the DevTools protocol. A benchmark, not a test: run
// it after `make dist` with `node tests/bench/first-visit.mjs [runs]` and copy the table into
// docs/performance.md.
import { launch, serveDist } from '../support/browser.mjs';

// Chrome DevTools' presets (front_end/core/sdk/NetworkManager.ts): Slow 4G is 1.4 Mbit/s down,
// 675 kbit/s up, 562.5 ms of added latency, each scaled by 0.9 as DevTools does.
const SLOW_4G = { offline: false, latency: 150 * 3.75, downloadThroughput: ((1.4 * 1000 * 1000) / 8) * 0.9, uploadThroughput: ((675 * 1000) / 8) * 0.9 };
const RUNS = Number(process.argv[2] ?? 3);

/** Runs in the page before its own scripts: marks, on the page's clock (milliseconds since the
 *  navigation started), the moment each milestone first holds (the picker's: once it exists; the
 *  table takes the first contentful paint when that comes later). Polling from here instead (as
 *  Playwright's waitForSelector does) adds up to half a second of lag while the page is busy. */
function markMilestones() {
  const milestones = {
    picker: () => document.querySelector('#shell-input, #file-input'),
    app: () => document.documentElement?.hasAttribute('data-engine'),
    engine: () => document.documentElement?.dataset.engine === 'ready',
    offline: () => document.querySelector('[data-offline="ready"]'),
  };
  const check = () => {
    for (const [name, holds] of Object.entries(milestones)) {
      if (holds()) {
        performance.mark(name);
        delete milestones[name];
      }
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
}

async function visit(url, conditions) {
  const context = await launch();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (conditions) await cdp.send('Network.emulateNetworkConditions', conditions);
  const requests = [];
  const start = performance.now();
  const since = () => Math.round(performance.now() - start);
  const started = new Map();
  context.on('request', (request) => started.set(request, since()));
  context.on('requestfinished', async (request) => {
    const end = since();
    const sizes = await request.sizes().catch(() => null);
    requests.push({
      url: request.url(),
      bytes: sizes ? sizes.responseBodySize + sizes.responseHeadersSize : 0,
      fromServiceWorker: request.serviceWorker() !== null,
      start: started.get(request),
      end,
    });
  });
  await page.addInitScript(markMilestones);
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector('html[data-engine="ready"]', { state: 'attached', timeout: 120_000 });
  const engineSeen = since();
  await page.waitForSelector('[data-offline="ready"]', { state: 'attached', timeout: 300_000 });
  // The picker counts once it is also on the screen: the first contentful paint, if later.
  const { picker, app, engine, offline } = await page.evaluate(() => {
    const marks = Object.fromEntries(performance.getEntriesByType('mark').map((mark) => [mark.name, Math.round(mark.startTime)]));
    const painted = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Infinity;
    return { ...marks, picker: Math.round(Math.max(marks.picker, painted)) };
  });
  await context.close();
  const pageRequests = requests.filter((r) => !r.fromServiceWorker);
  const bytes = (list) => list.reduce((sum, r) => sum + r.bytes, 0);
  // What the page had to fetch before the engine was ready (the service worker's precache, the full
  // engine above all, starts once it is: counting it by time would race this script's clock).
  const readyBytes = bytes(pageRequests.filter((r) => r.end <= engineSeen));
  return { picker, app, engine, offline, requests: requests.length, pageBytes: bytes(pageRequests), readyBytes, allBytes: bytes(requests), list: requests };
}

const server = await serveDist();
const rows = [];
for (let run = 0; run < RUNS; run++) {
  // Interleaved: one of each per run, so both see the same machine load.
  for (const [name, conditions] of [['localhost', null], ['Slow 4G', SLOW_4G]]) {
    const result = await visit(server.url, conditions);
    rows.push({ name, ...result });
    console.error(`${name} run ${run + 1}: picker ${result.picker} ms, app ${result.app} ms, engine ${result.engine} ms, offline ${result.offline} ms, ${result.requests} requests, ${result.allBytes} bytes`);
  }
}
await server.close();

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log('| network | files can be chosen | app running | engine ready | stored offline | requests | bytes the page moved until the engine was ready | bytes moved (all) |');
console.log('|---|--:|--:|--:|--:|--:|--:|--:|');
for (const name of ['localhost', 'Slow 4G']) {
  const mine = rows.filter((r) => r.name === name);
  const ms = (key) => `${(median(mine.map((r) => r[key])) / 1000).toFixed(2)} s`;
  console.log(`| ${name} | ${ms('picker')} | ${ms('app')} | ${ms('engine')} | ${ms('offline')} | ${median(mine.map((r) => r.requests))} | ${(median(mine.map((r) => r.readyBytes)) / 1e6).toFixed(2)} MB | ${(median(mine.map((r) => r.allBytes)) / 1e6).toFixed(2)} MB |`);
}
const last = rows.findLast((r) => r.name === 'Slow 4G');
console.log(`\nRequests of the last Slow 4G visit (ms from navigation; app running at ${last.app}, engine ready at ${last.engine}):`);
for (const request of last.list.sort((a, b) => a.start - b.start)) {
  const when = `${String(request.start).padStart(6)} → ${String(request.end).padStart(6)}`;
  console.log(`  ${request.fromServiceWorker ? 'sw  ' : 'page'} ${when} ${String(request.bytes).padStart(8)}  ${new URL(request.url).pathname}`);
}
