// Pillow (target/venv-test, requirements-test.txt) as an independent decoder for the component's
// outputs: what it reads of a file, and the helpers the interoperability tests compare with.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from './files.mjs';

export const PYTHON = join(ROOT, 'target/venv-test/bin/python');

/** What Pillow reads of `bytes` (written to `dir`/`name`): format, size, mode and RGBA samples. */
export function pillow(bytes, dir, name) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const script = [
    'import sys, json',
    'from PIL import Image',
    'im = Image.open(sys.argv[1]); im.load()',
    'open(sys.argv[1] + ".rgba", "wb").write(im.convert("RGBA").tobytes())',
    'print(json.dumps({"format": im.format, "mode": im.mode, "width": im.width, "height": im.height}))',
  ].join('\n');
  const info = JSON.parse(execFileSync(PYTHON, ['-c', script, path], { encoding: 'utf8' }));
  return { ...info, rgba: readFileSync(`${path}.rgba`) };
}

/** The mean difference per sample of two equally long RGBA buffers, over the channels given. */
export function meanDiff(a, b, channels = [0, 1, 2]) {
  let total = 0;
  for (let i = 0; i < a.length; i += 4) for (const c of channels) total += Math.abs(a[i + c] - b[i + c]);
  return total / ((a.length / 4) * channels.length);
}

/** A 96×64 PNG drawn by Pillow with real transparency: an alpha ramp over a colour gradient. */
export function alphaRamp(dir) {
  const ramp = join(dir, 'ramp.png');
  const draw = [
    'import sys',
    'from PIL import Image',
    'im = Image.new("RGBA", (96, 64))',
    'im.putdata([(x * 2, y * 3, 128, (x * 8 + y) % 256) for y in range(64) for x in range(96)])',
    'im.save(sys.argv[1])',
  ].join('\n');
  execFileSync(PYTHON, ['-c', draw, ramp]);
  return readFileSync(ramp);
}
