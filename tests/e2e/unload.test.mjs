// Results live only in the tab: leaving it while some were never saved asks first, and does not
// once they were (a row's Save, the ZIP), until a new result comes.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { openApp, servedApp, waitForBatch } from '../support/browser.mjs';
import { fixturePath } from '../support/files.mjs';

const app = servedApp();

/** Asks the page to close as a person closing the tab would, and resolves with whether a
 *  `beforeunload` dialog asked first. When one asks it is dismissed, so the page stays open; when
 *  none does, the page is gone. */
async function asksBeforeClosing(page) {
  const dialog = page.waitForEvent('dialog', { timeout: 5000 }).catch(() => null);
  const closed = page.waitForEvent('close', { timeout: 5000 }).catch(() => null);
  await page.close({ runBeforeUnload: true });
  const asked = await Promise.race([dialog, closed.then(() => null)]);
  if (!asked) return false;
  assert.equal(asked.type(), 'beforeunload');
  await asked.dismiss();
  return true;
}

/** Whether the page's `beforeunload` handler would hold the page (without leaving it). */
function wouldAsk(page) {
  return page.evaluate(() => {
    const event = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(event);
    return event.defaultPrevented;
  });
}

test('leaving asks first while results were not saved, and not after they were', async () => {
  const page = await openApp(app.context, app.server.url, { offline: false });
  // Browsers ask only on pages a person has used: click as one would.
  await page.locator('h1').click();
  assert.equal(await wouldAsk(page), false, 'would ask with nothing to lose');

  await page.setInputFiles('#file-input', [fixturePath('photo-640x400.jpg'), fixturePath('palette.png')]);
  await waitForBatch(page, 2);
  assert.equal(await asksBeforeClosing(page), true, 'did not ask with two unsaved results');
  assert.equal(page.isClosed(), false);

  // One row saved counts as saving.
  await Promise.all([page.waitForEvent('download'), page.locator('.file-row a[download]').first().click()]);
  assert.equal(await wouldAsk(page), false, 'would ask after a Save');

  // A new result (the row turned) asks again, until the ZIP is downloaded.
  await page.getByRole('button', { name: 'Rotate palette.png 90° right' }).click();
  await page.waitForFunction(
    () => document.querySelector('.file-row .turn') && [...document.querySelectorAll('.file-row')].every((r) => r.dataset.state === 'done'),
  );
  assert.equal(await asksBeforeClosing(page), true, 'did not ask after a new result');
  await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all (ZIP)' }).click()]);
  await page.getByText(/^ZIP of 2 images ready/).waitFor();
  assert.equal(await asksBeforeClosing(page), false, 'asked after the ZIP');
  assert.equal(page.isClosed(), true);
});
