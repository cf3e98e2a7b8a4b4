// Reads the entries of a ZIP whose entries are stored (what localpix writes), from its central
// directory, so the tests check the archive without trusting the code that wrote it: each entry's
// local header must be where the directory says, and its bytes must match the CRC-32 recorded.
import { crc32 } from './png.mjs';

export function readZip(bytes) {
  const view = Buffer.from(bytes);
  const end = view.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('no end of central directory: not a ZIP');
  const count = view.readUInt16LE(end + 10);
  let pos = view.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (view.readUInt32LE(pos) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = view.readUInt16LE(pos + 10);
    const crc = view.readUInt32LE(pos + 16);
    const size = view.readUInt32LE(pos + 20);
    const nameLength = view.readUInt16LE(pos + 28);
    const extraLength = view.readUInt16LE(pos + 30);
    const commentLength = view.readUInt16LE(pos + 32);
    const local = view.readUInt32LE(pos + 42);
    const name = view.toString('utf8', pos + 46, pos + 46 + nameLength);
    if (view.readUInt32LE(local) !== 0x04034b50) throw new Error(`${name}: no local header where the directory says`);
    const dataStart = local + 30 + view.readUInt16LE(local + 26) + view.readUInt16LE(local + 28);
    const data = new Uint8Array(view.subarray(dataStart, dataStart + size));
    if (data.length !== size || crc32(data) !== crc) throw new Error(`${name}: its bytes do not match its CRC-32`);
    entries.push({ name, method, data });
    pos += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
