import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
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

/** Random access to the bytes of an archive: a file read piece by piece, or a buffer. */
export interface ZipSource {
  size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

/** A ZipSource over an open file: only the parts asked for are read. */
export function fileSource(fh: FileHandle, size: number): ZipSource {
  return {
    size,
    async read(offset, length) {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      let done = 0;
      while (done < buf.length) {
        const { bytesRead } = await fh.read(buf, done, buf.length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === buf.length ? buf : buf.subarray(0, done);
    },
  };
}

/** Reads the central directory of a ZIP: its end record from the last 64 KiB, then the directory itself. */
export async function readZipDirectory(src: ZipSource): Promise<Map<string, ZipEntry>> {
  if (src.size < 22) throw new ZipError('too short to be a ZIP archive');
  const tailStart = Math.max(0, src.size - 22 - 0xffff);
  const tail = await src.read(tailStart, src.size - tailStart);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('no ZIP end-of-directory record (truncated or not a ZIP archive)');
  const count = tail.readUInt16LE(eocd + 10);
  const size = tail.readUInt32LE(eocd + 12);
  const offset = tail.readUInt32LE(eocd + 16);
  if (offset === 0xffffffff || count === 0xffff) throw new ZipError('ZIP64 archives are not supported');
  if (offset + size > tailStart + eocd) throw new ZipError('central directory lies outside the file (truncated?)');
  const dir = await src.read(offset, size);
  const entries = new Map<string, ZipEntry>();
  const folded = new Map<string, string>();
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CDIR_SIG) throw new ZipError('corrupt central directory');
    const nameLen = dir.readUInt16LE(p + 28);
    const extraLen = dir.readUInt16LE(p + 30);
    const commentLen = dir.readUInt16LE(p + 32);
    const entry: ZipEntry = {
      method: dir.readUInt16LE(p + 10),
      compressedSize: dir.readUInt32LE(p + 20),
      uncompressedSize: dir.readUInt32LE(p + 24),
      localHeaderOffset: dir.readUInt32LE(p + 42),
      name: dir.toString('utf8', p + 46, Math.min(dir.length, p + 46 + nameLen)),
    };
    if ((dir.readUInt16LE(p + 8) & 1) === 1) throw new ZipError('encrypted (password-protected) workbooks are not supported');
    // Note: part names are case-insensitive (OPC); Excel refuses a package holding one name twice,
    // and which copy a reader takes is arbitrary, so the file could mean two different things.
    const twin = folded.get(entry.name.toLowerCase());
    if (twin !== undefined)
      throw new ZipError(
        `the archive holds two entries named ${entry.name}${twin === entry.name ? '' : ` and ${twin}`} (Excel refuses such a file: save the workbook again from Excel or WPS)`,
      );
    entries.set(entry.name, entry);
    folded.set(entry.name.toLowerCase(), entry.name);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/**
 * Streams one entry's inflated bytes to `onChunk`, never more than `budget.left` bytes in all:
 * a decompression bomb stops at the budget instead of filling memory. The compressed bytes are
 * read from the source a slice at a time. When `onChunk` returns a promise (its consumer is
 * busy), inflating pauses until it settles.
 */
export async function inflateEntry(
  src: ZipSource,
  entry: ZipEntry,
  budget: { left: number },
  onChunk: (chunk: Buffer) => void | Promise<void>,
  onCompressed?: (bytes: number) => void,
): Promise<void> {
  const p = entry.localHeaderOffset;
  const header = await src.read(p, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIG) throw new ZipError(`corrupt local header of ${entry.name}`);
  const start = p + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const end = start + entry.compressedSize;
  if (end > src.size) throw new ZipError(`${entry.name} is cut off (truncated file)`);
  const take = (chunk: Buffer) => {
    budget.left -= chunk.length;
    if (budget.left < 0)
      throw new ZipError('inflates to more than the allowed size (IMPORT_MAX_INFLATED_MB): a decompression bomb, or a workbook too large to import');
    return onChunk(chunk);
  };
  if (entry.method === 0) {
    for (let offset = start; offset < end; offset += SLICE) {
      const slice = await src.read(offset, Math.min(SLICE, end - offset));
      const held = take(slice);
      onCompressed?.(slice.length);
      if (held) await held;
    }
    return;
  }
  if (entry.method !== 8) throw new ZipError(`${entry.name} uses unsupported compression method ${entry.method}`);
  const inflater = createInflateRaw({ chunkSize: 256 * 1024 });
  let fail: (e: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    fail = (e) => {
      inflater.destroy();
      reject(e);
    };
    inflater.on('error', (e) => reject(new ZipError(`${entry.name} is corrupt (${e.message})`)));
    inflater.on('end', resolve);
  });
  done.catch(() => undefined); // awaited below
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
  // Fed in slices, so the reader can tell how far it has got (a progress bar) as it goes.
  for (let offset = start; offset < end; offset += SLICE) {
    const slice = await src.read(offset, Math.min(SLICE, end - offset));
    onCompressed?.(slice.length);
    if (!inflater.write(slice)) await Promise.race([once(inflater, 'drain'), done]);
  }
  inflater.end();
  await done;
}
