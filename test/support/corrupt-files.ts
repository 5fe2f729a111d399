/**
 * Files that are damaged the ways real spreadsheets get damaged, built byte by byte at test time:
 * text in the wrong or a broken encoding, rows cut apart, a ZIP with a part twice, an encrypted
 * workbook (an OLE compound file holding EncryptionInfo and EncryptedPackage streams).
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { deflated, inlineRow, SHEET_HEAD, SHEET_TAIL, workbookFrame, zipArchive } from './hostile-files.js';

/** Writes `content` to `dir/name` and returns the path. */
export async function put(dir: string, name: string, content: Buffer | string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

/** CSV text of rows, fields quoted only where they must be. */
export function csvText(rows: string[][], eol = '\r\n', delimiter = ','): string {
  const field = (v: string) => (v.includes(delimiter) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return rows.map((r) => r.map(field).join(delimiter)).join(eol) + eol;
}

/** Text as UTF-16LE with a BOM: what Excel's "Unicode text" (Unicode 文本) writes. */
export function utf16le(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

/** Text in GB18030 (what Excel writes for "CSV" on a Chinese Windows). */
export function gb18030(text: string): Buffer {
  return iconv.encode(text, 'gb18030');
}

/**
 * `encoded` with the bytes of `needle` (in the same encoding) replaced by `bytes`: a damaged
 * character in the middle of otherwise valid text.
 */
export function damage(encoded: Buffer, needle: Buffer, bytes: number[]): Buffer {
  const at = encoded.indexOf(needle);
  if (at < 0) throw new Error('damage: needle not found');
  return Buffer.concat([encoded.subarray(0, at), Buffer.from(bytes), encoded.subarray(at + needle.length)]);
}

/** A one-sheet ("areas") workbook whose ZIP holds the worksheet part twice, with different rows in each copy. */
export function duplicateEntryWorkbook(first: string[][], second: string[][]): Buffer {
  const sheet = (rows: string[][]) => deflated('xl/worksheets/sheet1.xml', SHEET_HEAD + rows.map((r, i) => inlineRow(i + 1, r)).join('') + SHEET_TAIL);
  return zipArchive([...workbookFrame(), sheet(first), sheet(second)]);
}

const SECTOR = 512;
const FREESECT = 0xffffffff;
const ENDOFCHAIN = 0xfffffffe;
const FATSECT = 0xfffffffd;
const NOSTREAM = 0xffffffff;

/** One 128-byte directory entry of a compound file. */
function dirEntry(name: string, type: number, opts: { child?: number; right?: number; start?: number; size?: number } = {}): Buffer {
  const e = Buffer.alloc(128);
  if (type === 0) return e;
  const n = Buffer.from(`${name}\0`, 'utf16le');
  n.copy(e, 0);
  e.writeUInt16LE(n.length, 0x40);
  e[0x42] = type;
  e[0x43] = 1; // black
  e.writeUInt32LE(NOSTREAM, 0x44);
  e.writeUInt32LE(opts.right ?? NOSTREAM, 0x48);
  e.writeUInt32LE(opts.child ?? NOSTREAM, 0x4c);
  e.writeUInt32LE(opts.start ?? ENDOFCHAIN, 0x74);
  e.writeUInt32LE(opts.size ?? 0, 0x78);
  return e;
}

/**
 * An OLE compound file (version 3, 512-byte sectors) with the given streams, each at least 4096
 * bytes (so in regular sectors, no mini stream): header, one FAT sector, one directory sector,
 * then the streams' sectors.
 */
export function compoundFile(streams: { name: string; data: Buffer }[]): Buffer {
  if (streams.length > 3) throw new Error('compoundFile: at most 3 streams (one directory sector)');
  const header = Buffer.alloc(SECTOR);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c); // one FAT sector
  header.writeUInt32LE(1, 0x30); // directory in sector 1
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(ENDOFCHAIN, 0x3c);
  header.writeUInt32LE(ENDOFCHAIN, 0x44);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : FREESECT, 0x4c + i * 4);

  const fat = Buffer.alloc(SECTOR, 0xff);
  fat.writeUInt32LE(FATSECT, 0);
  fat.writeUInt32LE(ENDOFCHAIN, 4);
  const dir: Buffer[] = [];
  const data: Buffer[] = [];
  let next = 2;
  streams.forEach((s, i) => {
    if (s.data.length < 4096 || s.data.length % SECTOR !== 0) throw new Error('compoundFile: streams must be whole sectors of at least 4096 bytes');
    const sectors = s.data.length / SECTOR;
    for (let k = 0; k < sectors; k++) fat.writeUInt32LE(k === sectors - 1 ? ENDOFCHAIN : next + k + 1, (next + k) * 4);
    dir.push(dirEntry(s.name, 2, { start: next, size: s.data.length, right: i + 2 <= streams.length ? i + 2 : NOSTREAM }));
    data.push(s.data);
    next += sectors;
  });
  const directory = Buffer.concat([dirEntry('Root Entry', 5, { child: streams.length > 0 ? 1 : NOSTREAM }), ...dir]);
  const dirSector = Buffer.concat([directory, Buffer.alloc(SECTOR - directory.length)]);
  for (let i = streams.length + 1; i < 4; i++) dirSector.fill(0, i * 128, (i + 1) * 128);
  return Buffer.concat([header, fat, dirSector, ...data]);
}

/** What Excel writes for a workbook with a password to open: a compound file with EncryptionInfo and EncryptedPackage. */
export function encryptedWorkbook(): Buffer {
  return compoundFile([
    { name: 'EncryptionInfo', data: randomBytes(4096) },
    { name: 'EncryptedPackage', data: randomBytes(8192) },
  ]);
}

/** An OLE file that is no encrypted workbook (an .xls-like "Workbook" stream). */
export function plainCompoundFile(): Buffer {
  return compoundFile([{ name: 'Workbook', data: randomBytes(4096) }]);
}
