// Reads the files of an npm tarball (gzip + ustar, as `npm pack` / `pnpm pack` write them) into
// memory, so the checks look at exactly what would be published.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

function field(header, start, length) {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? length : end).toString('utf8');
}

/**
 * The regular files of a `.tgz` as a Map from path (without npm's leading `package/`) to
 * contents. PAX extended headers are honoured for long paths; other entry kinds are skipped.
 * Throws on a truncated archive.
 */
export function readTarball(path) {
  const data = gunzipSync(readFileSync(path));
  const files = new Map();
  let offset = 0;
  let paxPath;
  while (offset + BLOCK <= data.length) {
    const header = data.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const body = offset + BLOCK;
    if (body + size > data.length) throw new Error(`${path}: truncated tar entry at byte ${offset}`);
    const contents = data.subarray(body, body + size);
    if (type === 'x') {
      const match = /\d+ path=([^\n]*)\n/.exec(contents.toString('utf8'));
      paxPath = match?.[1];
    } else {
      if (type === '0') {
        const prefix = field(header, 345, 155);
        const name = paxPath ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
        files.set(name.replace(/^[^/]+\//, ''), Buffer.from(contents));
      }
      paxPath = undefined;
    }
    offset = body + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}
