// A directory to serve that holds the app's worker pool as the app ships it (app/js's bridge.js,
// worker.js, protocol.js beside the jco engine in component/), without building the whole app:
// a page there can `import { WorkerPool } from './bridge.js'` and run the real workers.
import { copyFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, scratchDir } from './files.mjs';

export function poolSite(prefix = 'localpix-pool-') {
  const dir = scratchDir(prefix);
  for (const name of ['bridge.js', 'worker.js', 'protocol.js']) copyFileSync(join(ROOT, 'app/js', name), join(dir, name));
  cpSync(join(ROOT, 'target/component/js'), join(dir, 'component'), { recursive: true });
  return dir;
}
