import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { mib, UnreadableFileError, type ImportLimits } from '../limits.js';
import { MAX_COLUMNS, type RowSink } from './cells.js';

/** Picks the encoding of a CSV file by streaming through it once: BOM, else valid UTF-8, else GB18030. */
async function detectEncoding(file: string): Promise<{ encoding: string; skip: number }> {
  const head = Buffer.alloc(4);
  const fh = await open(file, 'r');
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', skip: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', skip: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf16be', skip: 2 };
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return { encoding: 'utf8', skip: 0 };
  } catch {
    return { encoding: 'gb18030', skip: 0 };
  }
}

/** Reads one CSV file as a sheet named `kind`, streaming its rows to `sink`, with the row budget enforced as it goes. */
export async function readCsv(file: string, kind: string, limits: ImportLimits, rowBudget: { left: number }, sink: RowSink): Promise<void> {
  const size = (await stat(file)).size;
  if (size === 0) throw new UnreadableFileError(file, 'the file is empty');
  if (size > limits.maxFileBytes) throw new UnreadableFileError(file, `the file is ${mib(size)}; the limit is ${mib(limits.maxFileBytes)} (IMPORT_MAX_FILE_MB)`);
  const fh = await open(file, 'r');
  const probe = Buffer.alloc(Math.min(size, 8192));
  try {
    await fh.read(probe, 0, probe.length, 0);
  } finally {
    await fh.close();
  }
  if (probe.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) throw new UnreadableFileError(file, 'this is a ZIP archive (an .xlsx workbook?), not a CSV file');
  const { encoding, skip } = await detectEncoding(file);
  if (encoding !== 'utf16le' && encoding !== 'utf16be' && probe.includes(0)) throw new UnreadableFileError(file, 'this is a binary file, not a CSV text file');
  let seenHeader = false;
  const parser = createReadStream(file, { start: skip })
    .pipe(iconv.decodeStream(encoding))
    .pipe(parse({ relax_column_count: true, relax_quotes: true, skip_empty_lines: false, max_record_size: limits.maxCellChars * 16, info: true }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (record.every((c) => c.trim() === '')) continue;
      for (const c of record) if (c.length > limits.maxCellChars) throw new UnreadableFileError(file, `line ${info.lines} has a cell longer than ${limits.maxCellChars} characters (IMPORT_MAX_CELL_CHARS)`);
      if (seenHeader && --rowBudget.left < 0) throw new UnreadableFileError(file, `more than ${limits.maxRows} rows in this import (IMPORT_MAX_ROWS)`);
      seenHeader = true;
      const cells = record.slice(0, MAX_COLUMNS).map((text) => (text === '' ? undefined : { text, type: 'string' as const }));
      sink(file, kind, { rowNumber: info.lines, cells });
    }
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    throw new UnreadableFileError(file, `not a readable CSV file: ${(e as Error).message.split('\n')[0].slice(0, 200)}`);
  }
}

/** The record kind a CSV file holds, from its name (e.g. `projects.csv`, `2023-项目.csv`). */
export function csvKind(file: string, kinds: { name: string; zh: string }[]): string | undefined {
  const base = path.basename(file, path.extname(file)).toLowerCase().replace(/[\s-]+/g, '_');
  // Longest names first, so "project_stages" wins over "projects" and 项目阶段 over 项目.
  const terms = kinds.flatMap((k) => [k.name, k.zh, k.name.replace(/s$/, '')].map((term) => ({ term, kind: k.name })));
  terms.sort((a, b) => b.term.length - a.term.length);
  return terms.find((t) => base.includes(t.term))?.kind;
}
