import { createInflateRaw } from 'node:zlib';

/** One member of a ZIP archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** Raised for anything that is not a well-formed, supported ZIP archive. */
export class ZipError extends Error {}

const EOCD_SIG = 0x06054b50;
const CDIR_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
/** Compressed bytes handed to the inflater at a time. */
const SLICE = 1 << 20;

/** Reads the central directory of a ZIP held in memory. */
export function readZipDirectory(buf: Buffer): Map<string, ZipEntry> {
  if (buf.length < 22) throw new ZipError('too short to be a ZIP archive');
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('no ZIP end-of-directory record (truncated or not a ZIP archive)');
  const count = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  const offset = buf.readUInt32LE(eocd + 16);
  if (offset === 0xffffffff || count === 0xffff) throw new ZipError('ZIP64 archives are not supported');
  if (offset + size > eocd) throw new ZipError('central directory lies outside the file (truncated?)');
  const entries = new Map<string, ZipEntry>();
  const folded = new Map<string, string>();
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CDIR_SIG) throw new ZipError('corrupt central directory');
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const entry: ZipEntry = {
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      uncompressedSize: buf.readUInt32LE(p + 24),
      localHeaderOffset: buf.readUInt32LE(p + 42),
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
    };
    if ((buf.readUInt16LE(p + 8) & 1) === 1) throw new ZipError('encrypted (password-protected) workbooks are not supported');
    // Note: part names are case-insensitive (OPC); Excel refuses a package holding one name twice,
    // and which copy a reader takes is arbitrary, so the file could mean two different things.
    const twin = folded.get(entry.name.toLowerCase());
    if (twin !== undefined) throw new ZipError(`the archive holds two entries named ${entry.name}${twin === entry.name ? '' : ` and ${twin}`} (Excel refuses such a file: save the workbook again from Excel or WPS)`);
    entries.set(entry.name, entry);
    folded.set(entry.name.toLowerCase(), entry.name);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/**
 * Streams one entry's inflated bytes to `onChunk`, never more than `budget.left` bytes in all:
 * a decompression bomb stops at the budget instead of filling memory. When `onChunk` returns a
 * promise (its consumer is busy), inflating pauses until it settles.
 */
export async function inflateEntry(buf: Buffer, entry: ZipEntry, budget: { left: number }, onChunk: (chunk: Buffer) => void | Promise<void>, onCompressed?: (bytes: number) => void): Promise<void> {
  const p = entry.localHeaderOffset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOCAL_SIG) throw new ZipError(`corrupt local header of ${entry.name}`);
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const end = start + entry.compressedSize;
  if (end > buf.length) throw new ZipError(`${entry.name} is cut off (truncated file)`);
  const data = buf.subarray(start, end);
  const take = (chunk: Buffer) => {
    budget.left -= chunk.length;
    if (budget.left < 0) throw new ZipError('inflates to more than the allowed size (IMPORT_MAX_INFLATED_MB): a decompression bomb, or a workbook too large to import');
    return onChunk(chunk);
  };
  if (entry.method === 0) {
    for (let offset = 0; offset < data.length; offset += SLICE) {
      const slice = data.subarray(offset, offset + SLICE);
      const held = take(slice);
      onCompressed?.(slice.length);
      if (held) await held;
    }
    return;
  }
  if (entry.method !== 8) throw new ZipError(`${entry.name} uses unsupported compression method ${entry.method}`);
  await new Promise<void>((resolve, reject) => {
    const inflater = createInflateRaw({ chunkSize: 256 * 1024 });
    const fail = (e: unknown) => {
      inflater.destroy();
      reject(e);
    };
    inflater.on('data', (chunk: Buffer) => {
      try {
        const held = take(chunk);
        if (held) {
          inflater.pause();
          held.then(() => inflater.resume(), fail);
        }
      } catch (e) {
        fail(e);
      }
    });
    inflater.on('error', (e) => reject(new ZipError(`${entry.name} is corrupt (${e.message})`)));
    inflater.on('end', resolve);
    // Fed in slices, so the reader can tell how far it has got (a progress bar) as it goes.
    let offset = 0;
    const pump = (): void => {
      while (offset < data.length) {
        const slice = data.subarray(offset, offset + SLICE);
        offset += slice.length;
        onCompressed?.(slice.length);
        if (!inflater.write(slice)) {
          inflater.once('drain', pump);
          return;
        }
      }
      inflater.end();
    };
    pump();
  });
}
