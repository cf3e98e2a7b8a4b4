// Test files: the small fixtures in tests/fixtures (always there) and the big photos of
// ../shared/corpus (beside our checkouts, absent in a plain clone; LOCALPIX_CORPUS points
// elsewhere). Tests that need the corpus are skipped, with the reason, when it is absent.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = join(ROOT, 'tests/fixtures');
export const CORPUS = process.env.LOCALPIX_CORPUS ?? resolve(ROOT, '../shared/corpus');

// Every temporary directory a test makes goes when its process ends: CI runs the suite again and
// again on the same disk, and a Chromium profile left behind is up to 100 MB.
const scratch = [];
process.on('exit', () => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory under the system's temporary one, removed when this test process ends. */
export function scratchDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

export function fixturePath(name) {
  return join(FIXTURES, name);
}

export function fixture(name) {
  return new Uint8Array(readFileSync(fixturePath(name)));
}

export function corpusPath(name) {
  const path = join(CORPUS, name);
  return existsSync(path) ? path : null;
}

/** `{ skip: reason }` for node:test when a corpus file is absent, else `{}`. */
export function needsCorpus(...names) {
  const missing = names.filter((name) => !corpusPath(name));
  return missing.length ? { skip: `SKIPPED: ${missing.join(', ')} not in ${CORPUS} (the big-photo corpus is not beside this clone)` } : {};
}

export function corpus(name) {
  return new Uint8Array(readFileSync(corpusPath(name)));
}

export function contains(haystack, needle) {
  return Buffer.from(haystack).includes(Buffer.from(needle));
}
