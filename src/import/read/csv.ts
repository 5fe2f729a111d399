import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { type ImportLimits, mib, UnreadableFileError } from '../limits.js';
import { MAX_COLUMNS, type RowSink } from './cells.js';

/** How a CSV (or tab-separated text) file was read: for the summary. */
export interface TextFormat {
  /** `UTF-8`, `GB18030`, `UTF-16LE` or `UTF-16BE`. */
  encoding: string;
  /** `,` or a tab. */
  delimiter: string;
}

/**
 * Counts, streaming, the multi-byte UTF-8 sequences of a file that are well formed and the bytes
 * that break the rules (a stray byte, a cut sequence, an overlong or surrogate form).
 */
class Utf8Census {
  valid = 0;
  invalid = 0;
  private need = 0;
  private lower = 0x80;
  private upper = 0xbf;

  feed(buf: Buffer): void {
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i]!;
      if (this.need === 0) {
        if (b < 0x80) continue;
        if (b >= 0xc2 && b <= 0xdf) this.need = 1;
        else if (b >= 0xe0 && b <= 0xef) {
          this.need = 2;
          this.lower = b === 0xe0 ? 0xa0 : 0x80;
          this.upper = b === 0xed ? 0x9f : 0xbf;
        } else if (b >= 0xf0 && b <= 0xf4) {
          this.need = 3;
          this.lower = b === 0xf0 ? 0x90 : 0x80;
          this.upper = b === 0xf4 ? 0x8f : 0xbf;
        } else this.invalid++;
        continue;
      }
      if (b < this.lower || b > this.upper) {
        this.invalid++;
        this.need = 0;
        this.lower = 0x80;
        this.upper = 0xbf;
        i--; // the byte may start a new sequence
        continue;
      }
      this.lower = 0x80;
      this.upper = 0xbf;
      if (--this.need === 0) this.valid++;
    }
  }

  end(): void {
    if (this.need > 0) this.invalid++;
    this.need = 0;
  }
}

/**
 * Picks the encoding of a text file: its BOM; else UTF-8 when its multi-byte sequences are (nearly
 * all) valid UTF-8; else GB18030. A UTF-8 file with a few damaged bytes stays UTF-8 (so the damaged
 * cells show U+FFFD and are refused, instead of the whole file being misread as GB18030).
 */
async function detectEncoding(file: string, head: Buffer): Promise<{ encoding: string; skip: number }> {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', skip: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', skip: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf16be', skip: 2 };
  const census = new Utf8Census();
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) census.feed(chunk as Buffer);
  census.end();
  // Note: GB18030 text forms a valid UTF-8 pair by chance for fewer than one character in ten.
  if (census.invalid === 0 || census.valid > 4 * census.invalid) return { encoding: 'utf8', skip: 0 };
  return { encoding: 'gb18030', skip: 0 };
}

const ENCODING_NAMES: Record<string, string> = { utf8: 'UTF-8', gb18030: 'GB18030', utf16le: 'UTF-16LE', utf16be: 'UTF-16BE' };

/** Tab when the first lines hold more tabs than commas (Excel's "Unicode text" is tab-separated UTF-16), else comma. */
function detectDelimiter(text: string): string {
  const lines = text
    .split(/\r\n|\n|\r/)
    .slice(0, 10)
    .join('\n');
  const tabs = lines.split('\t').length - 1;
  const commas = lines.split(',').length - 1;
  return tabs > commas ? '\t' : ',';
}

/**
 * Reads one CSV (or tab-separated) file as a sheet named `kind`, streaming its rows to `sink`,
 * with the row budget enforced as it goes. Rows are numbered as Excel and WPS show them: a line
 * break inside quotes stays in its cell, an empty line is a row, and `\r\n`, `\n` and a lone `\r`
 * all end a row.
 */
export async function readCsv(
  file: string,
  kind: string,
  limits: ImportLimits,
  rowBudget: { left: number },
  sink: RowSink,
  onBytes?: (n: number) => void,
): Promise<TextFormat> {
  const size = (await stat(file)).size;
  if (size === 0) throw new UnreadableFileError(file, 'the file is empty');
  if (size > limits.maxFileBytes)
    throw new UnreadableFileError(file, `the file is ${mib(size)}; the limit is ${mib(limits.maxFileBytes)} (IMPORT_MAX_FILE_MB)`);
  const fh = await open(file, 'r');
  const probe = Buffer.alloc(Math.min(size, 64 * 1024));
  try {
    await fh.read(probe, 0, probe.length, 0);
  } finally {
    await fh.close();
  }
  if (probe.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])))
    throw new UnreadableFileError(file, 'this is a ZIP archive (an .xlsx workbook?), not a CSV file');
  const { encoding, skip } = await detectEncoding(file, probe);
  if (encoding !== 'utf16le' && encoding !== 'utf16be' && probe.includes(0)) throw new UnreadableFileError(file, 'this is a binary file, not a CSV text file');
  const delimiter = detectDelimiter(iconv.decode(probe.subarray(skip), encoding));
  let seenHeader = false;
  const input = createReadStream(file, { start: skip });
  if (onBytes) input.on('data', (chunk) => onBytes(chunk.length));
  const parser = input.pipe(iconv.decodeStream(encoding)).pipe(
    parse({
      delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: limits.maxCellChars * 16,
      info: true,
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; records: number } }>) {
      if (record.every((c) => c.trim() === '')) continue;
      for (const c of record)
        if (c.length > limits.maxCellChars)
          throw new UnreadableFileError(file, `row ${info.records} has a cell longer than ${limits.maxCellChars} characters (IMPORT_MAX_CELL_CHARS)`);
      if (seenHeader && --rowBudget.left < 0) throw new UnreadableFileError(file, `more than ${limits.maxRows} rows in this import (IMPORT_MAX_ROWS)`);
      seenHeader = true;
      const cells = record.slice(0, MAX_COLUMNS).map((text) => (text === '' ? undefined : { text, type: 'string' as const }));
      const held = sink(file, kind, { rowNumber: info.records, cells, delimiter });
      if (held) await held;
    }
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    throw new UnreadableFileError(file, `not a readable CSV file: ${(e as Error).message.split('\n')[0].slice(0, 200)}`);
  }
  return { encoding: ENCODING_NAMES[encoding] ?? encoding, delimiter };
}

/** The record kind a CSV file holds, from its name (e.g. `projects.csv`, `2023-项目.csv`). */
export function csvKind(file: string, kinds: { name: string; zh: string }[]): string | undefined {
  const base = path
    .basename(file, path.extname(file))
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  // Longest names first, so "project_stages" wins over "projects" and 项目阶段 over 项目.
  const terms = kinds.flatMap((k) => [k.name, k.zh, k.name.replace(/s$/, '')].map((term) => ({ term, kind: k.name })));
  terms.sort((a, b) => b.term.length - a.term.length);
  return terms.find((t) => base.includes(t.term))?.kind;
}
