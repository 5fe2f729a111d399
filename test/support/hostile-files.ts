/**
 * Hostile input files for the importer, generated at test time into a given folder: files that
 * are not what their name says, decompression bombs, huge sheets and cells, malformed XML.
 * Everything here is small on disk and quick to make; the bombs are built from one compressed
 * chunk repeated, so a 2 GiB sheet costs a few MB and well under a second.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { constants as zc, crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';

/** The areas header as the format writes it (Chinese). */
export const AREA_HEADERS = ['行政区划代码', '名称', '类型', '上级代码', '来源'];

/** A ZIP member, already compressed. */
export interface ZipMember {
  name: string;
  /** 8 = deflate, 0 = stored. */
  method: 0 | 8;
  crc: number;
  /** Inflated size (what the member really holds; the reader must not trust it anyway). */
  size: number;
  data: Buffer;
}

/** A member deflated in one go. */
export function deflated(name: string, content: string | Buffer): ZipMember {
  const raw = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { name, method: 8, crc: crc32(raw), size: raw.length, data: deflateRawSync(raw) };
}

/**
 * A member whose content is `head`, then `chunk` `times` times, then `tail`, deflated without
 * ever holding the inflated content: `chunk` is compressed once with a full flush (byte-aligned,
 * non-final blocks that refer to nothing before them), and those blocks are repeated. The
 * result is one valid raw-deflate stream that inflates to head + chunk×times + tail.
 */
export function repeatedMember(name: string, head: string, chunk: Buffer, times: number, tail: string): ZipMember {
  const part = (b: Buffer) => deflateRawSync(b, { level: 9, finishFlush: zc.Z_FULL_FLUSH });
  const headBuf = Buffer.from(head, 'utf8');
  const tailBuf = Buffer.from(tail, 'utf8');
  const body = part(chunk);
  const pieces = [part(headBuf)];
  let crc = crc32(headBuf);
  for (let i = 0; i < times; i++) {
    pieces.push(body);
    crc = crc32(chunk, crc);
  }
  pieces.push(deflateRawSync(tailBuf, { level: 9 })); // final block
  crc = crc32(tailBuf, crc);
  const size = headBuf.length + chunk.length * times + tailBuf.length;
  if (size > 0xffffffff) throw new Error('repeatedMember: more than 4 GiB needs ZIP64');
  return { name, method: 8, crc, size, data: Buffer.concat(pieces) };
}

/** A plain (non-ZIP64) ZIP archive: local headers and data, central directory, end record. */
export function zipArchive(members: ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const DOS_TIME = 0;
  const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(m.method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(m.crc >>> 0, 14);
    local.writeUInt32LE(m.data.length, 18);
    local.writeUInt32LE(m.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, m.data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    central.writeUInt16LE(20, 6); // needed
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(m.method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(m.crc >>> 0, 16);
    central.writeUInt32LE(m.data.length, 20);
    central.writeUInt32LE(m.size, 24);
    central.writeUInt16LE(name.length, 28);
    // extra, comment, disk, internal and external attributes: 0
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + m.data.length;
  }
  const cdSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** Opening of a worksheet part, up to inside <sheetData>. */
export const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetData>`;
export const SHEET_TAIL = '</sheetData></worksheet>';

/** An inline-string cell. */
export function inlineCell(ref: string, text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<c r="${ref}" t="inlineStr"><is><t>${escaped}</t></is></c>`;
}

/** A row of inline-string cells, from column A. */
export function inlineRow(rowNumber: number, texts: string[]): string {
  return `<row r="${rowNumber}">${texts.map((t, i) => inlineCell(`${String.fromCharCode(65 + i)}${rowNumber}`, t)).join('')}</row>`;
}

/** The header row of an areas sheet. */
export const AREA_HEADER_ROW = inlineRow(1, AREA_HEADERS);

/** Every part of a one-sheet workbook (sheet "areas") except the worksheet itself. */
export function workbookFrame(sheetName = 'areas'): ZipMember[] {
  return [
    deflated(
      '[Content_Types].xml',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    ),
    deflated(
      '_rels/.rels',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    deflated(
      'xl/workbook.xml',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="${sheetName}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    deflated(
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    ),
  ];
}

/** A one-sheet workbook whose worksheet part is `sheet` (XML text, or a prepared member). */
export function workbookWithSheet(sheet: string | ZipMember): Buffer {
  const member = typeof sheet === 'string' ? deflated('xl/worksheets/sheet1.xml', sheet) : sheet;
  return zipArchive([...workbookFrame(), member]);
}

async function put(dir: string, name: string, content: Buffer | string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

/** A valid areas workbook made by exceljs (shared strings, styles, the lot). */
export async function validAreasWorkbook(
  rows: string[][] = [
    ['330110', '余杭区', '区', '', 'test'],
    ['330110109', '径山镇', '镇', '330110', 'test'],
  ],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('areas');
  ws.addRow(AREA_HEADERS);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** 64 KiB of random bytes, named .xlsx (or whatever `name` says). */
export function writeRandomBytes(dir: string, name = 'random.xlsx'): Promise<string> {
  return put(dir, name, randomBytes(64 * 1024));
}

/** A Word document (a valid ZIP with word/document.xml, no xl/workbook.xml) renamed to .xlsx. */
export function writeRenamedDocx(dir: string, name = 'letter.xlsx'): Promise<string> {
  const zip = zipArchive([
    deflated(
      '[Content_Types].xml',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
    ),
    deflated(
      '_rels/.rels',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    ),
    deflated(
      'word/document.xml',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>关于山城协作的通知</w:t></w:r></w:p></w:body></w:document>`,
    ),
  ]);
  return put(dir, name, zip);
}

/** A valid exceljs workbook cut in half (no end-of-directory record left). */
export async function writeTruncatedWorkbook(dir: string, name = 'truncated.xlsx'): Promise<string> {
  const full = await validAreasWorkbook();
  return put(dir, name, full.subarray(0, Math.floor(full.length / 2)));
}

/** An "old Excel" file: the OLE2 compound-document signature, then junk. */
export function writeOleFile(dir: string, name: string): Promise<string> {
  return put(dir, name, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), randomBytes(8 * 1024)]));
}

/** A file of zero bytes. */
export function writeEmptyFile(dir: string, name = 'empty.xlsx'): Promise<string> {
  return put(dir, name, Buffer.alloc(0));
}

/** A file far too short to be anything: just "PK". */
export function writeTinyFile(dir: string, name = 'tiny.xlsx'): Promise<string> {
  return put(dir, name, Buffer.from('PK'));
}

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

/** A workbook whose sheet1.xml inflates to 2 GiB of spaces inside <sheetData> (zip ~2 MB). */
export function writeWhitespaceBomb(dir: string, name = 'bomb-spaces.xlsx'): Promise<string> {
  const chunk = Buffer.alloc(MiB, 0x20);
  const sheet = repeatedMember('xl/worksheets/sheet1.xml', SHEET_HEAD + AREA_HEADER_ROW, chunk, (2 * GiB) / MiB, SHEET_TAIL);
  return put(dir, name, workbookWithSheet(sheet));
}

/** A workbook whose sheet1.xml inflates to 2 GiB of empty `<row/>` elements (zip a few MB). */
export function writeRowBomb(dir: string, name = 'bomb-rows.xlsx'): Promise<string> {
  const chunk = Buffer.from('<row/>'.repeat(Math.floor(MiB / 6)));
  const times = Math.ceil((2 * GiB) / chunk.length);
  const sheet = repeatedMember('xl/worksheets/sheet1.xml', SHEET_HEAD + AREA_HEADER_ROW, chunk, times, SHEET_TAIL);
  return put(dir, name, workbookWithSheet(sheet));
}

/** A workbook whose sharedStrings.xml inflates to 2 GiB: one string of 'a's that never ends. */
export function writeSharedStringBomb(dir: string, name = 'bomb-shared.xlsx'): Promise<string> {
  const chunk = Buffer.alloc(MiB, 0x61);
  const shared = repeatedMember(
    'xl/sharedStrings.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="${MAIN_NS}" count="1" uniqueCount="1"><si><t>`,
    chunk,
    (2 * GiB) / MiB,
    '</t></si></sst>',
  );
  const sheet = deflated('xl/worksheets/sheet1.xml', `${SHEET_HEAD}${AREA_HEADER_ROW}<row r="2"><c r="A2" t="s"><v>0</v></c></row>${SHEET_TAIL}`);
  return put(dir, name, zipArchive([...workbookFrame(), shared, sheet]));
}

/** Every column of the areas sheet (Chinese headers). */
export const FULL_AREA_HEADERS = ['行政区划代码', '名称', '类型', '上级代码', '山区镇', '景区村庄等级', '来源'];

/** One realistic village row, every column filled (about 60 bytes). */
function villageRow(i: number): string[] {
  return [`330110${String(100_000 + (i % 900_000)).padStart(6, '0')}`, `径山镇第${i}村`, '村', '330110109', '否', '3A', '余杭区统计局 2023'];
}

/**
 * A CSV of areas with a header and `rows` data rows (1,000,001 by default: over the default
 * IMPORT_MAX_ROWS), every column filled, written streaming. About 60 bytes a row.
 */
export async function writeManyRowsCsv(dir: string, rows = 1_000_001, name = 'areas.csv'): Promise<string> {
  const file = path.join(dir, name);
  const out = createWriteStream(file);
  out.write(`${FULL_AREA_HEADERS.join(',')}\n`);
  const BATCH = 10_000;
  for (let start = 0; start < rows; start += BATCH) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + BATCH); i++) lines.push(`${villageRow(i).join(',')}\n`);
    if (!out.write(lines.join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}

/** A workbook whose one sheet has a header and `rows` data rows (1,000,001 by default), every column filled; zip ~1 MB. */
export function writeManyRowsWorkbook(dir: string, rows = 1_000_001, name = 'million-rows.xlsx'): Promise<string> {
  const row = `<row>${villageRow(1)
    .map((t) => `<c t="inlineStr"><is><t>${t}</t></is></c>`)
    .join('')}</row>`;
  const PER_CHUNK = 1000;
  const chunk = Buffer.from(row.repeat(PER_CHUNK));
  const times = Math.floor(rows / PER_CHUNK);
  const header = `<row>${FULL_AREA_HEADERS.map((t) => `<c t="inlineStr"><is><t>${t}</t></is></c>`).join('')}</row>`;
  const sheet = repeatedMember('xl/worksheets/sheet1.xml', SHEET_HEAD + header, chunk, times, row.repeat(rows - times * PER_CHUNK) + SHEET_TAIL);
  return put(dir, name, workbookWithSheet(sheet));
}

/**
 * A workbook within every documented limit (3,000 rows, 16,000 columns, ~480 MiB inflated, 1 MB
 * zipped) whose cells are all `<c t="b"/>`: 48 million tiny cells.
 */
export function writeManyCellsWorkbook(dir: string, name = 'many-cells.xlsx'): Promise<string> {
  const chunk = Buffer.from(`<row>${'<c t="b"/>'.repeat(16_000)}</row>`);
  const sheet = repeatedMember('xl/worksheets/sheet1.xml', SHEET_HEAD + AREA_HEADER_ROW, chunk, 3_000, SHEET_TAIL);
  return put(dir, name, workbookWithSheet(sheet));
}

/** A 20 MB areas CSV within every documented limit whose 2,000 rows hold 5,001 one-letter cells each. */
export async function writeWideCsv(dir: string, name = 'wide-areas.csv'): Promise<string> {
  const file = path.join(dir, name);
  const out = createWriteStream(file);
  out.write(`${AREA_HEADERS.join(',')}\n`);
  const row = `${'a,'.repeat(5_000)}a\n`;
  for (let i = 0; i < 2_000; i++) if (!out.write(row)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  return file;
}

/**
 * A legitimate areas CSV of exactly `rows` rows (the default IMPORT_MAX_ROWS): a district, a
 * town, and distinct villages under it, every column filled. About 30 MB for 500,000 rows.
 */
export async function writeLegitAreasCsv(dir: string, rows = 500_000, name = 'areas-legit.csv'): Promise<string> {
  const file = path.join(dir, name);
  const out = createWriteStream(file);
  out.write(`${FULL_AREA_HEADERS.join(',')}\n330110,余杭区,区,,,,test\n330110109,径山镇,镇,330110,是,,test\n`);
  const villages = rows - 2;
  for (let start = 0; start < villages; start += 10_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(villages, start + 10_000); i++) lines.push(`${villageRow(i).join(',')}\n`);
    if (!out.write(lines.join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}

/** A workbook (hand-written, inline strings) whose one cell holds `chars` characters of text (5 MB by default). */
export function writeHugeInlineCell(dir: string, chars = 5 * 1024 * 1024, name = 'huge-cell.xlsx'): Promise<string> {
  const sheet = SHEET_HEAD + AREA_HEADER_ROW + inlineRow(2, ['330110', 'x'.repeat(chars), '区', '', 'test']) + SHEET_TAIL;
  return put(dir, name, workbookWithSheet(sheet));
}

/** A workbook made by exceljs (so the text is a shared string) whose one cell holds `chars` characters. */
export async function writeHugeSharedCell(dir: string, chars = 5 * 1024 * 1024, name = 'huge-shared-cell.xlsx'): Promise<string> {
  return put(dir, name, await validAreasWorkbook([['330110', 'x'.repeat(chars), '区', '', 'test']]));
}

/** A workbook whose sheet1.xml is broken XML: unclosed tags, stray markup, garbage. */
export function writeMalformedXml(dir: string, name = 'malformed.xlsx'): Promise<string> {
  const sheet = `${SHEET_HEAD}${AREA_HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>330110</t></c><c r="B2"><<garbage && \u0001 </row>`;
  return put(dir, name, workbookWithSheet(sheet));
}

/** A workbook whose sheet1.xml declares a DOCTYPE with nested entities (billion laughs). */
export function writeBillionLaughs(dir: string, name = 'laughs.xlsx', part: 'sheet' | 'workbook' = 'sheet'): Promise<string> {
  const entities = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  const doctype = (root: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE ${root} [\n ${entities.join('\n ')}\n]>\n`;
  if (part === 'sheet') {
    const sheet = `${doctype('worksheet')}<worksheet xmlns="${MAIN_NS}"><sheetData>${AREA_HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>${SHEET_TAIL}`;
    return put(dir, name, workbookWithSheet(sheet));
  }
  const frame = workbookFrame().map((m) =>
    m.name === 'xl/workbook.xml'
      ? deflated(
          'xl/workbook.xml',
          `${doctype('workbook')}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="&lol9;" sheetId="1" r:id="rId1"/></sheets></workbook>`,
        )
      : m,
  );
  return put(dir, name, zipArchive([...frame, deflated('xl/worksheets/sheet1.xml', SHEET_HEAD + AREA_HEADER_ROW + SHEET_TAIL)]));
}

/** A valid .xlsx workbook renamed to .csv. */
export async function writeWorkbookNamedCsv(dir: string, name = 'areas.csv'): Promise<string> {
  return put(dir, name, await validAreasWorkbook());
}

/** The small preload that reports the process's peak RSS (KiB) on stderr as it exits. */
export async function writeRssReporter(dir: string): Promise<string> {
  return put(
    dir,
    'report-rss.mjs',
    `import { writeSync } from 'node:fs';\nprocess.on('exit', () => { try { writeSync(2, '\\nMAXRSS ' + process.resourceUsage().maxRSS + '\\n'); } catch {} });\n`,
  );
}
