// Offline and installable: the app after one visit with no server at all, a new version offered
// and applied only when the user chooses, the manifest as Chromium reads it, and the two ways the
// system hands files to an installed app (share target, file handlers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

import { imaging } from '../../target/component/node/localpix_core.js';
import { freshProfile, launch, openApp, rows, serveDist, waitForBatch } from '../support/browser.mjs';
import { fixture, fixturePath, ROOT, scratchDir } from '../support/files.mjs';

test('after one visit the app starts and processes images with the server gone, from a cold browser start', async () => {
  const server = await serveDist();
  const profile = freshProfile();
  let context = await launch(profile);
  const first = await openApp(context, server.url);
  assert.match(await first.locator('.offline-status').textContent(), /Works offline/);
  await context.close();
  // No server, and the browser offline too: everything must come from the device.
  await server.close();
  context = await launch(profile);
  await context.setOffline(true);
  try {
    const page = await openApp(context, server.url);
    // The TIFF needs the full engine, which no file of the first visit asked for: "works offline"
    // means every format, so the service worker stored it too.
    await page.setInputFiles('#file-input', [fixturePath('phone-orient6-gps.jpg'), fixturePath('alpha-640x360.png'), fixturePath('small.tiff')]);
    await waitForBatch(page, 3);
    const list = await rows(page);
    assert.deepEqual(list.map((r) => [r.state, r.download]), [['done', 'phone-orient6-gps.jpg'], ['done', 'alpha-640x360.png'], ['done', 'small.png']]);
    assert.match(await page.locator('.offline-status').textContent(), /Works offline/);
  } finally {
    await context.close();
  }
});

test('a new version is offered, waits while a batch runs, and is applied when the user chooses', async () => {
  // A copy of the build that this test can change, as a new deployment would.
  const dir = join(scratchDir('localpix-deploy-'), 'dist');
  cpSync(join(ROOT, 'dist'), dir, { recursive: true });
  const server = await serveDist({ dir });
  const context = await launch();
  try {
    const page = await openApp(context, server.url);
    const oldVersion = versionOf(dir);
    // A batch is under way when the new version arrives.
    const photo = Buffer.from(fixture('phone-orient6-gps.jpg'));
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `photo-${i}.jpg`, mimeType: 'image/jpeg', buffer: photo }));
    await page.setInputFiles('#file-input', many);
    writeFileSync(join(dir, 'embed.js'), `${readFileSync(join(dir, 'embed.js'), 'utf8')}\n// a new deployment\n`);
    execFileSync('node', [join(ROOT, 'tools/post-build.mjs'), dir]);
    const newVersion = versionOf(dir);
    assert.notEqual(newVersion, oldVersion);
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    const button = page.getByRole('button', { name: 'Reload to update' });
    await button.waitFor();
    // Nothing is applied behind the user's back: the batch finishes under the old version.
    await waitForBatch(page, many.length);
    assert.ok((await rows(page)).every((r) => r.state === 'done'));
    assert.deepEqual(await cacheNames(page), [`localpix-${newVersion}`, `localpix-${oldVersion}`].sort());
    await Promise.all([page.waitForEvent('load'), button.click()]);
    await page.waitForSelector('[data-offline="ready"]');
    assert.deepEqual(await cacheNames(page), [`localpix-${newVersion}`], 'the old version is deleted once replaced');
  } finally {
    await context.close();
    await server.close();
  }
});

test('the manifest is valid and the app installable, with icons, file handlers and a share target', async () => {
  const server = await serveDist();
  const context = await launch();
  try {
    const page = await openApp(context, server.url);
    const cdp = await context.newCDPSession(page);
    const { errors, data } = await cdp.send('Page.getAppManifest');
    assert.deepEqual(errors, [], 'Chromium finds errors in the manifest');
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, [], 'Chromium would not install the app');
    const manifest = JSON.parse(data);
    for (const icon of manifest.icons) {
      const response = await fetch(new URL(icon.src, server.url));
      assert.equal(response.status, 200, icon.src);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (icon.type === 'image/png') {
        const { dimensions } = imaging.probe(bytes);
        assert.equal(`${dimensions.width}x${dimensions.height}`, icon.sizes, icon.src);
      } else {
        assert.match(Buffer.from(bytes).toString(), /<svg/);
      }
    }
    assert.ok(manifest.icons.some((i) => i.purpose === 'maskable'));
    assert.ok(manifest.file_handlers[0].accept['image/jpeg'].includes('.jpg'));
    assert.deepEqual([manifest.share_target.method, manifest.share_target.enctype], ['POST', 'multipart/form-data']);
  } finally {
    await context.close();
    await server.close();
  }
});

test('images shared from another app, or opened with the installed app, go into the batch', async () => {
  const server = await serveDist();
  const context = await launch();
  try {
    const page = await openApp(context, server.url);
    // A share arrives as the system sends it: a multipart POST to the manifest's share_target.
    await page.evaluate((bytes) => {
      const form = Object.assign(document.createElement('form'), { method: 'post', action: '/share-target', enctype: 'multipart/form-data' });
      const input = Object.assign(document.createElement('input'), { type: 'file', name: 'images' });
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], 'shared photo.jpg', { type: 'image/jpeg' }));
      input.files = transfer.files;
      form.append(input);
      document.body.append(form);
      form.submit();
    }, [...fixture('phone-orient6-gps.jpg')]);
    await page.waitForURL(/\?shared/);
    await page.waitForSelector('html[data-engine="ready"]');
    await waitForBatch(page, 1);
    assert.deepEqual((await rows(page)).map((r) => [r.name, r.state, r.download]), [['shared photo.jpg', 'done', 'shared photo.jpg']]);
    // Taken once: a reload does not add it again.
    await page.reload();
    await page.waitForSelector('html[data-engine="ready"]');
    assert.equal((await rows(page)).length, 0);

    // Opening files with the installed app: Chromium hands them over through window.launchQueue,
    // which only an installed app's window receives; here it is given the same shape by hand.
    const launched = await context.newPage();
    await launched.addInitScript((bytes) => {
      const handle = { kind: 'file', name: 'opened.png', getFile: async () => new File([new Uint8Array(bytes)], 'opened.png', { type: 'image/png' }) };
      Object.defineProperty(window, 'launchQueue', { value: { setConsumer: (consumer) => setTimeout(() => consumer({ files: [handle] }), 0) } });
    }, [...fixture('alpha-640x360.png')]);
    await launched.goto(`${server.url}?open=files`);
    await waitForBatch(launched, 1);
    assert.deepEqual((await rows(launched)).map((r) => [r.name, r.state]), [['opened.png', 'done']]);
  } finally {
    await context.close();
    await server.close();
  }
});

function versionOf(dir) {
  return readFileSync(join(dir, 'sw.js'), 'utf8').match(/"version": "([0-9a-f]+)"/)[1];
}

function cacheNames(page) {
  return page.evaluate(async () => (await caches.keys()).filter((n) => n !== 'localpix-shared').sort());
}
