// The built app (dist/, a release build) in headless Chromium, used as a person would: files in
// through the picker, paste and drop; results read back and checked with the engine in Node;
// the ZIP opened; every request recorded. `make test` builds dist/ first.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { imaging } from '../../target/component/node/localpix_core.js';
import { assertStayedOnDevice, bytesOf, launch, openApp, recordRequests, rows, serveDist, violations, waitForBatch } from '../support/browser.mjs';
import { contains, corpusPath, fixture, fixturePath, ROOT, scratchDir } from '../support/files.mjs';
import { decodePng, meanDifference } from '../support/png.mjs';
import { readZip } from '../support/zip.mjs';

const SHOTS = join(ROOT, 'target/e2e');
let server;
let context;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serveDist();
  context = await launch();
});

after(async () => {
  await context?.close();
  await server?.close();
});

/** A JPEG cut in half, as an interrupted download leaves it. */
function corruptFile() {
  const path = join(scratchDir('localpix-'), 'broken-download.jpg');
  const photo = fixture('photo-640x400.jpg');
  writeFileSync(path, photo.subarray(0, photo.length / 2));
  return path;
}

/** An image as the engine sees it once upright, for comparing pixels. */
function uprightPng(bytes) {
  const options = imaging.defaultOptions();
  options.resize.mode = { tag: 'none' };
  options.encode.encoding.format = 'png';
  options.encode.keepSmallerOriginal = false; // our own PNG, in a layout decodePng reads
  return decodePng(imaging.process(bytes, options).bytes);
}

test('a batch through the file picker: right sizes, upright, no private data, a bad file fails alone, one ZIP, no network', async () => {
  const page = await openApp(context, server.url);
  const requests = recordRequests(context);
  const inputs = ['phone-orient6-gps.jpg', 'alpha-640x360.png', 'small.tiff', 'animated.gif', 'palette.png', 'gray16.png'].map(fixturePath);
  const kleiber = corpusPath('kleiber-6028x3391.jpg');
  if (kleiber) inputs.push(kleiber);
  else console.log('SKIPPED in this test: kleiber-6028x3391.jpg (the big-photo corpus is not beside this clone)');
  inputs.push(corruptFile());
  await page.setInputFiles('#file-input', inputs);
  await waitForBatch(page, inputs.length);
  const list = await rows(page);

  // The damaged file fails, with its name and the reason; every other file is done.
  const broken = list.find((r) => r.name === 'broken-download.jpg');
  assert.equal(broken.state, 'failed');
  assert.match(broken.error, /incomplete|damaged|ends early/i);
  const done = list.filter((r) => r !== broken);
  assert.deepEqual(done.map((r) => r.state), done.map(() => 'done'), JSON.stringify(list, null, 1));

  // Each result read back from the page: the size the settings ask for (fit within 1920×1920,
  // never enlarged), as displayed.
  const results = new Map();
  for (const row of done) {
    const bytes = await bytesOf(page, row);
    results.set(row.download, bytes);
    const info = imaging.probe(bytes);
    const original = imaging.probe(row.name === 'kleiber-6028x3391.jpg' ? readFileSync(kleiber) : fixture(row.name)).dimensions;
    const scale = Math.min(1, 1920 / original.width, 1920 / original.height);
    const expected = { width: Math.round(original.width * scale), height: Math.round(original.height * scale) };
    assert.deepEqual(info.dimensions, expected, row.name);
    assert.deepEqual(info.metadata, [], `${row.name} kept metadata`);
    // Named as the original, with the new format's extension.
    assert.equal(row.download.replace(/\.(jpg|png|webp)$/, ''), row.name.replace(/\.[^.]+$/, ''));
  }

  // The phone photo: stored sideways with GPS, serial and artist; it comes out upright, without them.
  const phone = done.find((r) => r.name === 'phone-orient6-gps.jpg');
  const phoneResult = results.get(phone.download);
  assert.equal(phone.download, 'phone-orient6-gps.jpg');
  for (const secret of ['SN-0042-PRIVATE', 'Jane Example', 'Exif']) assert.ok(!contains(phoneResult, secret), `${secret} in the result`);
  const diff = meanDifference(uprightPng(phoneResult), uprightPng(fixture('photo-640x400.jpg')));
  assert.ok(diff < 6, `the phone photo is not upright: differs by ${diff.toFixed(1)} per sample`);
  assert.match(phone.privacy, /location \(GPS/);
  assert.match(phone.privacy, /removed/);

  // The batch's total saving is shown, not only told to screen readers.
  const before = done.reduce((sum, r) => sum + (r.name === 'kleiber-6028x3391.jpg' ? readFileSync(kleiber) : fixture(r.name)).length, 0);
  const after = [...results.values()].reduce((sum, bytes) => sum + bytes.length, 0);
  const percent = Math.round(((before - after) / before) * 100);
  assert.match(await page.locator('.batch-saving').textContent(), new RegExp(`^Saved .+ of .+ \\(−${percent}%\\)$`));

  // Download all: one ZIP with every result, byte for byte.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all (ZIP)' }).click()]);
  assert.match(download.suggestedFilename(), /^localpix-\d{4}-\d\d-\d\d\.zip$/);
  const entries = readZip(readFileSync(await download.path()));
  assert.deepEqual(entries.map((e) => e.name), done.map((r) => r.download));
  for (const entry of entries) {
    assert.equal(entry.method, 0, 'stored, not compressed again');
    assert.deepEqual(entry.data, results.get(entry.name), entry.name);
  }

  await page.screenshot({ path: join(SHOTS, 'batch.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
  assert.deepEqual(await violations(page), [], 'the app breaks its own Content-Security-Policy');
  // Processing, reading back and zipping sent nothing anywhere: the images stayed in the tab (the
  // TIFF's worker loaded the full engine, from this device's cache).
  await assertStayedOnDevice(requests, 'processing, reading back and zipping');
  await page.close();
});

/** A page-side File from a fixture, for paste and drop (which cannot be typed in by Playwright). */
async function dispatchFiles(page, kind, name, bytes, type) {
  await page.evaluate(
    ({ kind, name, bytes, type }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], name, { type }));
      if (kind === 'paste') {
        document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
      } else {
        document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    },
    { kind, name, bytes: [...bytes], type },
  );
}

test('pasting and dropping images add them to the batch', async () => {
  const page = await openApp(context, server.url);
  await dispatchFiles(page, 'paste', 'pasted.png', fixture('alpha-640x360.png'), 'image/png');
  // Files dragged over any part of the page: the whole page says it takes them.
  await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['x'], 'x.jpg', { type: 'image/jpeg' }));
    document.querySelector('h1').dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  const overlay = await page.locator('.drop-overlay').boundingBox();
  assert.deepEqual([overlay.x, overlay.y, overlay.width, overlay.height], [0, 0, 1280, 900], 'the drop highlight covers the page');
  await page.screenshot({ path: join(SHOTS, 'drop-anywhere.png') });
  await dispatchFiles(page, 'drop', 'dropped.jpg', fixture('photo-640x400.jpg'), 'image/jpeg');
  assert.equal(await page.locator('.drop-overlay').count(), 0, 'the highlight goes with the drop');
  await waitForBatch(page, 2);
  const list = await rows(page);
  assert.deepEqual(list.map((r) => [r.name, r.state, r.download]), [
    ['pasted.png', 'done', 'pasted.png'],
    ['dropped.jpg', 'done', 'dropped.jpg'],
  ]);
  await page.close();
});

test('changing a setting re-processes the batch, and settings persist and travel in the URL', async () => {
  const page = await openApp(context, server.url);
  await page.setInputFiles('#file-input', [fixturePath('photo-640x400.jpg')]);
  await waitForBatch(page, 1);
  // The defaults are the Web preset: the technical fields are folded under Advanced.
  await page.locator('details.advanced > summary').click();
  await page.getByLabel('Resize').selectOption('width');
  await page.getByLabel('Width (px)').fill('320');
  await page.getByLabel('Width (px)').press('Enter');
  await page.getByLabel('Format').selectOption('webp-lossless');
  await page.waitForFunction(() => document.querySelector('.file-row a[download]')?.getAttribute('download') === 'photo-640x400.webp');
  const [row] = await rows(page);
  const info = imaging.probe(await bytesOf(page, row));
  assert.deepEqual([info.format, info.dimensions], ['webp', { width: 320, height: 200 }]);
  assert.match(page.url(), /resize=width&w=320.*format=webp-lossless/);

  // A new visit without a link gets the stored settings back; a link's own settings win.
  const again = await openApp(context, server.url);
  assert.equal(await again.getByLabel('Format').inputValue(), 'webp-lossless');
  assert.equal(await again.getByLabel('Width (px)').inputValue(), '320');
  const linked = await openApp(context, `${server.url}?resize=fit&w=100&h=100&format=png`);
  assert.equal(await linked.getByLabel('Format').inputValue(), 'png');
  assert.equal(await linked.getByLabel('Width (px)').inputValue(), '100');
  await linked.getByRole('button', { name: 'Reset to defaults' }).click();
  for (const p of [page, again, linked]) await p.close();
});

test('cancel stops what is not done, and nothing is left hanging', async () => {
  // Slow jobs (each photo enlarged to 12 MP and written as PNG), so that cancel finds work to stop
  // however fast the machine.
  const page = await openApp(context, `${server.url}?resize=exact&w=4000&h=3000&upscale=yes&format=png`);
  const photo = Buffer.from(fixture('phone-orient6-gps.jpg'));
  const many = Array.from({ length: 40 }, (_, i) => ({ name: `copy-${i}.jpg`, mimeType: 'image/jpeg', buffer: photo }));
  await page.setInputFiles('#file-input', many);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await waitForBatch(page, many.length);
  const states = (await rows(page)).map((r) => r.state);
  assert.ok(states.includes('cancelled'), `nothing was cancelled: ${states}`);
  assert.ok(states.every((s) => s === 'done' || s === 'cancelled'), `${states}`);
  // The pool still works after a cancel.
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByRole('button', { name: 'Reset to defaults' }).click();
  await page.setInputFiles('#file-input', [fixturePath('photo-640x400.jpg')]);
  await waitForBatch(page, 1);
  assert.deepEqual((await rows(page)).map((r) => [r.state, r.download]), [['done', 'photo-640x400.jpg']]);
  await page.close();
});

test('a worker that crashes is replaced, its file marked failed, and the batch goes on', async () => {
  const page = await openApp(context, server.url);
  // Make every running worker fail on its next job the way a trap does: an uncaught error.
  // The image workers (the ZIP's worker runs no engine).
  const workers = page.workers().filter((w) => w.url().endsWith('/worker.js'));
  assert.ok(workers.length >= 1);
  for (const worker of workers) {
    await worker.evaluate(() => {
      self.onmessage = () => {
        throw new WebAssembly.RuntimeError('unreachable executed (simulated trap)');
      };
    });
  }
  const names = ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'e.jpg'];
  const photo = Buffer.from(fixture('photo-640x400.jpg'));
  await page.setInputFiles('#file-input', names.map((name) => ({ name, mimeType: 'image/jpeg', buffer: photo })));
  await waitForBatch(page, names.length);
  const list = await rows(page);
  const failed = list.filter((r) => r.state === 'failed');
  assert.equal(failed.length, workers.length, 'one file per crashed worker fails');
  for (const row of failed) assert.match(row.error, new RegExp(`^The image engine stopped on ${row.name.replace('.', '\\.')}: .*fewer files at once\\.$`));
  assert.ok(list.filter((r) => r.state === 'done').length === names.length - workers.length, 'the fresh workers do the rest');
  await page.close();
});

test('save all into a folder writes every result under its name', async () => {
  // Headless Chromium cannot answer the directory picker: give the page a folder with the File
  // System Access API's shape that keeps what is written, and check what the app wrote into it.
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.savedFiles = {};
    const folder = {
      getFileHandle: async (name, { create }) => ({
        createWritable: async () => {
          const parts = [];
          return {
            write: async (blob) => parts.push(blob),
            close: async () => {
              window.savedFiles[name] = { create, bytes: [...new Uint8Array(await new Blob(parts).arrayBuffer())] };
            },
          };
        },
      }),
    };
    window.showDirectoryPicker = async ({ mode }) => (mode === 'readwrite' ? folder : Promise.reject(new Error('read-only')));
  });
  await page.goto(server.url);
  await page.waitForSelector('html[data-engine="ready"]');
  await page.setInputFiles('#file-input', [fixturePath('phone-orient6-gps.jpg'), fixturePath('small.bmp')]);
  await waitForBatch(page, 2);
  await page.getByRole('button', { name: 'Save all to a folder…' }).click();
  await page.getByText('2 images saved to the folder.').waitFor();
  const saved = await page.evaluate(() => window.savedFiles);
  assert.deepEqual(Object.keys(saved).sort(), ['phone-orient6-gps.jpg', 'small.png']);
  const phone = new Uint8Array(saved['phone-orient6-gps.jpg'].bytes);
  assert.deepEqual(imaging.probe(phone).dimensions, { width: 640, height: 400 });
  assert.ok(saved['small.png'].create);
  await page.close();
});

test('compare opens as a dialog where the person is looking: drag the divider on the picture, 100% side by side, focus returns', async () => {
  // The result at half the original's size, so that 100% shows two different scales.
  const page = await openApp(context, `${server.url}?resize=fit&w=320&h=320`);
  await page.setInputFiles('#file-input', [fixturePath('photo-640x400.jpg')]);
  await waitForBatch(page, 1);
  const opener = page.getByRole('button', { name: 'Compare' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: /Before and after: photo-640x400.jpg/ });
  await dialog.waitFor();
  // Modal, on screen, focus inside.
  const box = await dialog.boundingBox();
  const viewport = page.viewportSize();
  assert.ok(box.y >= 0 && box.y + Math.min(box.height, 200) <= viewport.height, `the dialog is at y=${box.y}`);
  assert.equal(await page.evaluate(() => Boolean(document.activeElement?.closest('dialog[open]'))), true, 'focus moved into the dialog');

  // Dragging on the picture moves the divider to the pointer.
  const stage = dialog.locator('.compare-stage');
  const area = await stage.boundingBox();
  await page.mouse.move(area.x + area.width * 0.5, area.y + area.height / 2);
  await page.mouse.down();
  await page.mouse.move(area.x + area.width * 0.25, area.y + area.height / 2, { steps: 4 });
  await page.mouse.up();
  const slider = dialog.getByRole('slider', { name: /Split between original/ });
  assert.ok(Math.abs(Number(await slider.inputValue()) - 25) <= 2, `divider at ${await slider.inputValue()}%`);
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  assert.ok(Math.abs(Number(await slider.inputValue()) - 26) <= 2);

  // 100%: the original at its own pixels (640 wide) beside the result at its own (320), same region.
  await dialog.getByRole('button', { name: '100%' }).click();
  const panes = dialog.locator('.pane');
  assert.equal(await panes.count(), 2);
  const region = () =>
    panes.evaluateAll((figures) =>
      figures.map((figure) => {
        const pane = figure.getBoundingClientRect();
        const img = figure.querySelector('img').getBoundingClientRect();
        return { width: Math.round(img.width), centreX: (pane.left + pane.width / 2 - img.left) / img.width, centreY: (pane.top + pane.height / 2 - img.top) / img.height };
      }),
    );
  let [original, result] = await region();
  assert.deepEqual([original.width, result.width], [640, 320], 'each at its own pixels');
  const pane = await panes.nth(1).boundingBox();
  await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
  await page.mouse.down();
  await page.mouse.move(pane.x + pane.width / 2 + 60, pane.y + pane.height / 2 + 30, { steps: 3 });
  await page.mouse.up();
  [original, result] = await region();
  assert.ok(Math.abs(original.centreX - result.centreX) < 0.01 && Math.abs(original.centreY - result.centreY) < 0.01, `both show the same region: ${JSON.stringify([original, result])}`);
  assert.ok(result.centreX < 0.5, 'dragging right moved the view left');
  await page.screenshot({ path: join(SHOTS, 'compare.png') });

  // Escape closes it and gives focus back to the row's Compare button.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await opener.evaluate((button) => document.activeElement === button), true, 'focus back on Compare');
  // Clear takes the toolbar away with the rows: focus goes to the file picker, not nowhere.
  await page.getByRole('button', { name: 'Clear' }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'file-input');
  await page.close();
});

/** A PNG whose header claims `width`×`height`: enough for the engine to refuse it from the header. */
function claimedPng(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => (bytes.reduce((c, b) => crcTable[(c ^ b) & 0xff] ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', header), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
}

test('a failure says what to do about it: the limit a huge image is over', async () => {
  const page = await openApp(context, server.url);
  const everyday = { name: 'photo-640x400.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(fixture('photo-640x400.jpg')) };
  await page.setInputFiles('#file-input', [{ name: 'huge.png', mimeType: 'image/png', buffer: claimedPng(20000, 20000) }, everyday]);
  await waitForBatch(page, 2);
  const [huge, photo] = await rows(page);
  assert.deepEqual([huge.state, photo.state], ['failed', 'done']);
  assert.match(huge.error, /over the limit of 100\.0 megapixels/);
  // The engine's error is typed (too-large, with the size and the limit), so the row can say both.
  const note = await page.locator('.file-row', { hasText: 'huge.png' }).locator('.state .fine-print').textContent();
  assert.equal(note, 'This image: 20000×20000; the limit: 100.0 megapixels');
  await page.close();
});

test('automatic quality finds the quality, the row shows it and its score, and compare shows the differences', async () => {
  const page = await openApp(context, `${server.url}?format=jpeg&q=auto-high`);
  assert.equal(await page.getByLabel('Quality', { exact: true }).inputValue(), 'high');
  await page.setInputFiles('#file-input', [fixturePath('photo-640x400.jpg')]);
  await waitForBatch(page, 1);
  const row = page.locator('.file-row').first();
  const quality = Number((await row.locator('.quality').textContent()).match(/quality (\d+)/)[1]);
  assert.ok(quality >= 30 && quality <= 98, `quality ${quality}`);
  const score = Number((await row.locator('.score').getAttribute('title')).match(/SSIMULACRA2 ([\d.]+)/)[1]);
  assert.ok(score >= 75, `the high target is SSIMULACRA2 75; the result scores ${score}`);

  await row.getByRole('button', { name: 'Compare' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Differences ×8' }).click();
  const picture = page.locator('img.difference');
  await picture.waitFor();
  // The difference picture: the result's size, dark where nothing changed (a JPEG at a high
  // quality changes little), and not all black (it did change something).
  const seen = await picture.evaluate(async (img) => {
    await img.decode();
    const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
    const context2d = canvas.getContext('2d');
    context2d.drawImage(img, 0, 0);
    const { data } = context2d.getImageData(0, 0, img.naturalWidth, img.naturalHeight);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
    return { width: img.naturalWidth, height: img.naturalHeight, mean: sum / (data.length / 4) };
  });
  assert.deepEqual([seen.width, seen.height], [640, 400]);
  assert.ok(seen.mean > 0.5 && seen.mean < 80, `mean brightness ${seen.mean.toFixed(1)} of the ×8 difference`);
  await page.screenshot({ path: join(SHOTS, 'compare-difference.png') });
  await page.close();
});

test('a result never grows without a word: a lossy WebP keeps its own picture, a size limit says what it cost', async () => {
  const original = fixture('photo-lossy.webp');
  const page = await openApp(context, `${server.url}?resize=fit&w=1920&h=1920&format=same-as-input&q=80&keeporig=yes`);
  await page.setInputFiles('#file-input', [fixturePath('photo-lossy.webp')]);
  await waitForBatch(page, 1);
  let [row] = await rows(page);
  let bytes = await bytesOf(page, row);
  assert.equal(imaging.probe(bytes).format, 'webp');
  assert.ok(bytes.length <= original.length, `${bytes.length} bytes from ${original.length}`);
  assert.deepEqual(imaging.probe(bytes).metadata, []);
  const notes = page.locator('.file-row .notes');
  assert.match(await notes.textContent(), /original's own picture, without its metadata/);

  // Without the option: a new lossy WebP (a lossy photo stays lossy), never a lossless one many
  // times the size.
  await page.getByLabel('Keep the original when the result would be larger').uncheck();
  await page.waitForFunction(() => !document.querySelector('.file-row .notes')?.textContent.includes("original's own picture"));
  await waitForBatch(page, 1);
  [row] = await rows(page);
  bytes = await bytesOf(page, row);
  assert.deepEqual([imaging.probe(bytes).format, imaging.probe(bytes).lossy], ['webp', true]);
  assert.ok(bytes.length < original.length * 2, `${bytes.length} bytes from ${original.length}`);
  await page.screenshot({ path: join(SHOTS, 'notes-format.png') });

  // A size limit that needs a smaller picture says what it took.
  const limited = await openApp(context, `${server.url}?resize=fit&w=1920&h=1920&format=jpeg&q=80&maxkb=8`);
  await limited.setInputFiles('#file-input', [fixturePath('photo-640x400.jpg')]);
  await waitForBatch(limited, 1);
  const said = await limited.locator('.file-row .notes').textContent();
  assert.match(said, /Made \d+×\d+ instead of 640×400 to fit within 8 KB, at quality \d+\./);
  assert.ok((await bytesOf(limited, (await rows(limited))[0])).length <= 8000);
  // The settings say it too, under the limit, with what would avoid it.
  assert.equal(
    await limited.locator('.field-warning').textContent(),
    '1 of 1 results had to be made smaller than the size asked to fit. Allow more KB, or choose a smaller size.',
  );
  await limited.screenshot({ path: join(SHOTS, 'notes-budget.png') });
  await limited.getByRole('button', { name: 'Reset to defaults' }).click();
  for (const p of [page, limited]) await p.close();
});

test('a value the form cannot use is shown beside its field with the reason, and never used', async () => {
  const page = await openApp(context, `${server.url}?resize=fit&w=1920&h=1920&format=jpeg&q=80`);
  await page.setInputFiles('#file-input', [fixturePath('photo-640x400.jpg')]);
  await waitForBatch(page, 1);
  // Count every restart of the row from now on.
  await page.evaluate(() => {
    window.restarts = 0;
    new MutationObserver((changes) => {
      for (const change of changes) if (change.target.dataset.state !== 'done') window.restarts++;
    }).observe(document.querySelector('.file-row'), { attributes: true, attributeFilter: ['data-state'] });
  });
  const width = page.getByLabel('Width (px)');
  const message = page.locator('#width-error');
  await width.fill('0');
  await width.press('Enter');
  assert.equal(await message.textContent(), 'The width must be 1 to 65 535 pixels, not 0. Still using 1920.');
  assert.equal(await width.getAttribute('aria-invalid'), 'true');
  assert.equal(await width.getAttribute('aria-describedby'), 'width-error');
  await width.fill('640x');
  await width.press('Enter');
  assert.equal(await message.textContent(), '“640x” is not a whole number: the width is 1 to 65 535 pixels. Still using 1920.');
  await page.screenshot({ path: join(SHOTS, 'field-error.png') });
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.restarts), 0, 'a rejected value started a run');
  assert.match(page.url(), /w=1920/);

  // A good value clears the message and is used.
  await width.fill('320');
  await width.press('Enter');
  await page.waitForFunction(() => document.querySelector('.file-row .result .dims')?.textContent === '320×200');
  assert.equal(await message.count(), 0);
  assert.equal(await width.getAttribute('aria-invalid'), null);
  await page.getByRole('button', { name: 'Reset to defaults' }).click();
  await page.close();
});
