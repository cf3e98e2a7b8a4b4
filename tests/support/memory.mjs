// Memory of the Chromium this test process drives, read from /proc (Linux).
import { readFileSync, readdirSync } from 'node:fs';

/** The process ids of every Chromium renderer this test process started (a page and its
 *  dedicated workers live in one). */
export function rendererPids() {
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
  return descendants.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
    } catch {
      return false; // ended meanwhile
    }
  });
}

/** Resident memory (MB) of these renderers, by default every one this test process started. */
export function rendererMemoryMb(pids = rendererPids()) {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
    } catch {
      // Ended meanwhile.
    }
  }
  return kb / 1024;
}
