// Memory of the Chromium this test process drives, read from /proc (Linux).
import { readFileSync, readdirSync } from 'node:fs';

/** Resident memory (MB) of every Chromium renderer this test process started (the page and its
 *  workers live in one), read from /proc. */
export function rendererMemoryMb() {
  const children = new Map();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const parent = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(pid)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const descendants = [];
  const walk = (pid) => (children.get(pid) ?? []).forEach((child) => descendants.push(child) && walk(child));
  walk(process.pid);
  let kb = 0;
  for (const pid of descendants) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      kb += Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
    } catch {
      // Ended meanwhile.
    }
  }
  return kb / 1024;
}
