/**
 * Hostile files against the real import command, run as a child process with the heap cap of
 * `npm run import`: every one must be refused with a clear message naming the file and the
 * problem, exit 1 or 2, no stack trace, nothing written, in bounded time, under 512 MiB RSS.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromEnv } from '../src/import/limits.js';
import { createTestDatabase } from './support/database.js';
import * as hostile from './support/hostile-files.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** A refusal must come within this long (the child is killed then). */
const TIME_LIMIT_MS = 60_000;
/** Peak resident memory the importer may ever need. */
const MEMORY_LIMIT_KIB = 512 * 1024;
/** Room for the test itself around the child's run (making the file, counting rows). */
const TEST_TIMEOUT_MS = TIME_LIMIT_MS + 30_000;

let db: { url: string; drop(): Promise<void> };
let dir: string;
let rssReporter: string;
let dataTables: string[] = [];
const timings: string[] = [];

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout then stderr, without the MAXRSS line. */
  output: string;
  ms: number;
  /** Peak RSS of the child in KiB, or null when it died without exiting (e.g. out of memory). */
  maxRssKiB: number | null;
  timedOut: boolean;
}

/** Keeps the head and the tail of a long output (a crash prints its reason at the start, a stack at the end). */
function clip(text: string, max = 4000): string {
  return text.length <= max ? text : `${text.slice(0, max / 2)}\n…\n${text.slice(-max / 2)}`;
}

/** Runs `npm run import -- <args>` the way package.json does, plus the RSS reporter. */
async function runCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, ...env };
  delete childEnv.NODE_OPTIONS;
  for (const k of Object.keys(childEnv)) if (k.startsWith('IMPORT_') && !(k in env)) delete childEnv[k];
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=384',
      '--import',
      pathToFileURL(rssReporter).href,
      '--import',
      '@swc-node/register/esm-register',
      'src/import/import.cli.ts',
      ...args,
    ],
    { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let kept = 0;
  const keep = (into: Buffer[]) => (b: Buffer) => {
    if (kept > 4 * 1024 * 1024) return; // a runaway child must not fill the test's memory
    kept += b.length;
    into.push(b);
  };
  child.stdout.on('data', keep(out));
  child.stderr.on('data', keep(err));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, TIME_LIMIT_MS);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  const ms = Math.round(performance.now() - started);
  let output = `${Buffer.concat(out).toString('utf8')}${Buffer.concat(err).toString('utf8')}`;
  const rss = /^MAXRSS (\d+)$/m.exec(output);
  output = output.replace(/^MAXRSS \d+\n?/m, '').trimEnd();
  return { code, signal, output, ms, maxRssKiB: rss ? Number(rss[1]) : null, timedOut };
}

/** Rows in every registry table that has any (empty object: nothing written). */
async function writtenRows(): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const found: Record<string, number> = {};
    for (const t of dataTables) {
      const [{ n }] = (await client.query(`select count(*)::int as n from "${t}"`)).rows;
      if (n > 0) found[t] = n;
    }
    return found;
  } finally {
    await client.end();
  }
}

function record(title: string, run: Run): void {
  const rss = run.maxRssKiB === null ? 'n/a (no clean exit)' : `${(run.maxRssKiB / 1024).toFixed(1)} MiB`;
  const line = `${title}: exit ${run.code ?? run.signal}${run.timedOut ? ' (killed at the time limit)' : ''}, ${run.ms} ms, peak RSS ${rss}`;
  timings.push(line);
  console.log(`[hostile] ${line}`);
}

/** The whole contract of a refusal. */
async function expectRefused(run: Run, file: string, reason: RegExp): Promise<void> {
  const seen = `\n--- output (exit ${run.code}, signal ${run.signal}, ${run.ms} ms, maxRSS ${run.maxRssKiB} KiB) ---\n${clip(run.output)}\n---`;
  expect(run.timedOut, `finished within ${TIME_LIMIT_MS} ms${seen}`).toBe(false);
  expect(run.output, `no crash${seen}`).not.toMatch(/FATAL ERROR|heap out of memory|Native stack trace/);
  expect(run.signal, `exited by itself${seen}`).toBeNull();
  expect([1, 2], `exit code 1 or 2${seen}`).toContain(run.code);
  expect(run.output, `names the file${seen}`).toContain(path.basename(file));
  expect(run.output, `says why${seen}`).toMatch(reason);
  expect(run.output, `no stack trace${seen}`).not.toMatch(/^\s+at /m);
  expect(run.output, `does not claim an import${seen}`).not.toMatch(/^imported \d+ rows/m);
  expect(run.maxRssKiB, `peak RSS reported${seen}`).not.toBeNull();
  expect(run.maxRssKiB!, `peak RSS under ${MEMORY_LIMIT_KIB} KiB${seen}`).toBeLessThan(MEMORY_LIMIT_KIB);
  expect(await writtenRows(), 'nothing written').toEqual({});
}

interface Case {
  title: string;
  make: (dir: string) => Promise<string>;
  reason: RegExp;
  env?: Record<string, string>;
}

const BOMB = /decompression bomb|too large|longer than/i;
/** Whatever a fix says for "within every limit, but far too much for memory". */
const TOO_MUCH = /too (large|many|big)|more than|limit|IMPORT_MAX_/i;
/** The default row limit, as the command reports it. */
const ROW_LIMIT = new RegExp(`more than ${limitsFromEnv().maxRows} rows.*IMPORT_MAX_ROWS`);

const CASES: Case[] = [
  {
    title: 'refuses random bytes named .xlsx, saying it is not a workbook',
    make: (d) => hostile.writeRandomBytes(d, 'random.xlsx'),
    reason: /not an \.xlsx workbook/,
  },
  {
    title: 'refuses random bytes named .csv, saying it is binary',
    make: (d) => hostile.writeRandomBytes(d, 'random-areas.csv'),
    reason: /binary file, not a CSV/,
  },
  {
    title: 'refuses a Word document renamed to .xlsx, saying the workbook part is missing',
    make: (d) => hostile.writeRenamedDocx(d),
    reason: /not a valid \.xlsx workbook.*xl\/workbook\.xml is missing/,
  },
  {
    title: 'refuses an .xlsx workbook renamed to .csv, saying it is a ZIP archive',
    make: (d) => hostile.writeWorkbookNamedCsv(d, 'workbook-areas.csv'),
    reason: /ZIP archive.*not a CSV/,
  },
  { title: 'refuses a workbook cut in half, saying it is truncated', make: (d) => hostile.writeTruncatedWorkbook(d), reason: /truncated/ },
  {
    title: 'refuses an old Excel .xls file, asking for .xlsx',
    make: (d) => hostile.writeOleFile(d, 'old.xls'),
    reason: /\(\.xls\) files are not supported.*save it as \.xlsx/,
  },
  {
    title: 'refuses an old Excel file renamed to .xlsx, saying it is an .xls file',
    make: (d) => hostile.writeOleFile(d, 'old-renamed.xlsx'),
    reason: /old Excel 97–2003 \(\.xls\)/,
  },
  { title: 'refuses an empty .xlsx file, saying it is empty', make: (d) => hostile.writeEmptyFile(d, 'empty.xlsx'), reason: /the file is empty/ },
  { title: 'refuses an empty .csv file, saying it is empty', make: (d) => hostile.writeEmptyFile(d, 'empty-areas.csv'), reason: /the file is empty/ },
  { title: 'refuses a two-byte .xlsx file, saying it is not a workbook', make: (d) => hostile.writeTinyFile(d, 'tiny.xlsx'), reason: /not an \.xlsx workbook/ },
  {
    title: 'refuses a decompression bomb of 2 GiB of empty rows within bounded time and memory, writing nothing',
    make: (d) => hostile.writeRowBomb(d),
    reason: BOMB,
  },
  {
    title: 'refuses a decompression bomb of 2 GiB of spaces within bounded time and memory, writing nothing',
    make: (d) => hostile.writeWhitespaceBomb(d),
    reason: BOMB,
  },
  {
    title: 'refuses a decompression bomb in the shared strings within bounded time and memory, writing nothing',
    make: (d) => hostile.writeSharedStringBomb(d),
    reason: BOMB,
  },
  {
    title: 'refuses a CSV of a million rows, naming the row limit',
    make: (d) => hostile.writeManyRowsCsv(d, 1_000_001, 'areas.csv'),
    // Areas are held in memory while importing: their own, lower limit stops them first.
    reason: new RegExp(`${ROW_LIMIT.source}|more than ${limitsFromEnv().maxHeldRows} rows of areas.*IMPORT_MAX_HELD_ROWS`),
  },
  {
    title: 'refuses a workbook sheet of a million rows, naming the row limit',
    make: (d) => hostile.writeManyRowsWorkbook(d),
    reason: /IMPORT_MAX_INFLATED_MB|IMPORT_MAX_ROWS/,
  },
  {
    title: 'refuses a workbook cell of 5 MB (inline string), naming the character limit',
    make: (d) => hostile.writeHugeInlineCell(d),
    reason: /longer than 32767 characters.*IMPORT_MAX_CELL_CHARS/,
  },
  {
    title: 'refuses a workbook cell of 5 MB (shared string), naming the character limit',
    make: (d) => hostile.writeHugeSharedCell(d),
    reason: /^(?!.*malformed).*longer than 32767 characters.*IMPORT_MAX_CELL_CHARS/m,
  },
  {
    title: 'refuses a sheet of malformed XML, saying the XML is malformed',
    make: (d) => hostile.writeMalformedXml(d),
    reason: /malformed XML|corrupt/i,
  },
  {
    title: 'refuses a billion-laughs DOCTYPE in a sheet without expanding it',
    make: (d) => hostile.writeBillionLaughs(d, 'laughs.xlsx', 'sheet'),
    reason: /DOCTYPE declarations are not allowed/,
  },
  {
    title: 'refuses a billion-laughs DOCTYPE in the workbook part without expanding it',
    make: (d) => hostile.writeBillionLaughs(d, 'laughs-workbook.xlsx', 'workbook'),
    reason: /DOCTYPE declarations are not allowed/,
  },
  {
    title: 'refuses a 1 MB workbook of 48 million tiny cells, within every limit, without running out of memory',
    make: (d) => hostile.writeManyCellsWorkbook(d),
    reason: TOO_MUCH,
  },
  {
    title: 'refuses a 20 MB CSV of 10 million one-letter cells for what its cells say, reading only the first 256 columns, within bounded memory',
    make: (d) => hostile.writeWideCsv(d),
    reason: /must be one of|IMPORT_MAX_/,
  },
];

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'registry-hostile-'));
  await chmod(dir, 0o755);
  rssReporter = await hostile.writeRssReporter(dir);
  // Migrate once up front, so no case's time includes it.
  const migrate = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/db/migrate.cli.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: db.url },
    stdio: 'ignore',
  });
  const code = await new Promise((resolve) => migrate.on('close', resolve));
  expect(code).toBe(0);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'mikro_orm%' order by 1`,
    );
    dataTables = rows.map((r) => r.table_name);
  } finally {
    await client.end();
  }
  expect(dataTables).toEqual(expect.arrayContaining(['area', 'enterprise', 'pairing', 'project', 'fund_flow', 'collective_income', 'workshop']));
});

afterAll(async () => {
  if (timings.length > 0) console.log(`[hostile] summary\n${timings.map((t) => `  ${t}`).join('\n')}`);
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('hostile files given to the import command', () => {
  for (const c of CASES) {
    it(
      c.title,
      async () => {
        const file = await c.make(dir);
        try {
          const run = await runCli([file], c.env);
          record(c.title, run);
          await expectRefused(run, file, c.reason);
        } finally {
          await rm(file, { force: true });
        }
      },
      TEST_TIMEOUT_MS,
    );
  }
});

describe('legitimate files that are too large', () => {
  it('refuses a CSV over IMPORT_MAX_FILE_MB, naming the size and the limit', async () => {
    const file = await hostile.writeManyRowsCsv(dir, 50_000, 'areas-big.csv'); // ~3.3 MiB
    const run = await runCli([file], { IMPORT_MAX_FILE_MB: '1' });
    record('CSV over IMPORT_MAX_FILE_MB=1', run);
    await expectRefused(run, file, /the file is [\d.]+ MiB; the limit is 1\.0 MiB \(IMPORT_MAX_FILE_MB\)/);
  });

  it('refuses a workbook that inflates beyond IMPORT_MAX_INFLATED_MB, naming the limit', async () => {
    const file = await hostile.writeManyRowsWorkbook(dir, 20_000, 'areas-inflated.xlsx'); // ~4 MiB inflated
    const run = await runCli([file], { IMPORT_MAX_INFLATED_MB: '1' });
    record('workbook over IMPORT_MAX_INFLATED_MB=1', run);
    await expectRefused(run, file, /IMPORT_MAX_INFLATED_MB/);
  });

  it('refuses a workbook over IMPORT_MAX_ROWS, naming the limit', async () => {
    const file = await hostile.writeManyRowsWorkbook(dir, 20, 'areas-rows.xlsx');
    const run = await runCli([file], { IMPORT_MAX_ROWS: '10' });
    record('workbook over IMPORT_MAX_ROWS=10', run);
    await expectRefused(run, file, /more than 10 rows.*IMPORT_MAX_ROWS/);
  });

  it('refuses a CSV cell over IMPORT_MAX_CELL_CHARS, naming the limit', async () => {
    const file = path.join(dir, 'areas-cell.csv');
    await writeFile(file, `${hostile.AREA_HEADERS.join(',')}\n330110,${'名'.repeat(50)},区,,test\n`);
    const run = await runCli([file], { IMPORT_MAX_CELL_CHARS: '20' });
    record('CSV cell over IMPORT_MAX_CELL_CHARS=20', run);
    await expectRefused(run, file, /longer than 20 characters \(IMPORT_MAX_CELL_CHARS\)/);
  });

  it(
    'imports a valid CSV of exactly IMPORT_MAX_ROWS rows within 512 MiB, or refuses it with a clear limit',
    async () => {
      // Exactly as many valid areas as the default IMPORT_MAX_ROWS allows: checked within the bound.
      const file = await hostile.writeLegitAreasCsv(dir, limitsFromEnv().maxRows);
      try {
        const run = await runCli([file, '--dry-run']);
        record(`valid CSV of ${limitsFromEnv().maxRows} rows, --dry-run`, run);
        const seen = `\n--- output (exit ${run.code}, signal ${run.signal}, ${run.ms} ms, maxRSS ${run.maxRssKiB} KiB) ---\n${clip(run.output)}\n---`;
        expect(run.timedOut, `finished in time${seen}`).toBe(false);
        expect([0, 1], `exit code${seen}`).toContain(run.code);
        if (run.code === 0) expect(run.output).toMatch(new RegExp(`dry run: ${limitsFromEnv().maxRows} rows checked, nothing written`));
        else expect(run.output, seen).toMatch(/IMPORT_MAX_/);
        expect(run.output, seen).not.toMatch(/^\s+at /m);
        expect(run.maxRssKiB, seen).not.toBeNull();
        expect(run.maxRssKiB!, seen).toBeLessThan(MEMORY_LIMIT_KIB);
        expect(await writtenRows()).toEqual({});
      } finally {
        await rm(file, { force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe('the --report CSV', () => {
  const HOSTILE_VALUES = [`=cmd|' /C calc'!A0`, '+1', '-1', '@SUM(1)'];

  it(
    'escapes cells that start with =, +, - or @ so that Excel never runs a formula from the report',
    async () => {
      // Each value lands in 类型 (an enum: always a problem) and, where it is no valid code, in
      // 行政区划代码 or 上级代码 too; the second file's own name starts with "=".
      const csv = (rows: string[][]) =>
        `${[hostile.AREA_HEADERS, ...rows].map((r) => r.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\n')}\n`;
      const [cmd, plus, minus, at] = HOSTILE_VALUES;
      const first = path.join(dir, 'areas.csv');
      await writeFile(
        first,
        csv([
          [cmd, plus, cmd, at, 'test'],
          [plus, minus, plus, cmd, 'test'],
          ['330110', at, minus, plus, 'test'],
          [at, cmd, at, '330110', minus],
        ]),
      );
      const second = path.join(dir, '=1+2 areas.csv');
      await writeFile(second, csv([['330111', 'x', '=HYPERLINK("http://example.com")', '', 'test']]));
      const report = path.join(dir, 'out.csv');
      const run = await runCli([first, second, '--report', report]);
      record('report CSV with formula-like cells', run);
      const seen = `\n--- output (exit ${run.code}) ---\n${clip(run.output)}\n---`;
      expect(run.code, seen).toBe(1);
      expect(run.output, seen).not.toMatch(/^\s+at /m);
      expect(run.output, seen).toContain(`problems written to ${report}`);
      expect(await writtenRows()).toEqual({});

      const text = await readFile(report, 'utf8');
      expect(text.startsWith('\ufeff')).toBe(true);
      const records: string[][] = parse(text.slice(1), { relax_column_count: false });
      const [header, ...rows] = records;
      expect(header[0]).toBe('severity 级别');
      expect(rows.length).toBeGreaterThanOrEqual(8);
      // Every field, not only values: none may begin with a formula character.
      for (const field of records.flat()) expect(field, `field ${JSON.stringify(field)}`).not.toMatch(/^[=+\-@\t\r]/);
      // Each hostile value is in the report, and escaped with a leading apostrophe.
      const fields = rows.flat();
      for (const v of [...HOSTILE_VALUES, '=HYPERLINK("http://example.com")', '=1+2 areas.csv']) {
        const holding = fields.filter((f) => f.includes(v));
        expect(holding.length, `the report holds ${v}`).toBeGreaterThan(0);
        for (const f of holding.filter((f) => f.replace(/^'/, '').startsWith(v))) expect(f, `field ${JSON.stringify(f)}`).toBe(`'${v}`);
      }
      // And in the raw text no line or field starts with one (the check above parsed it; this one does not).
      for (const line of text.slice(1).split('\r\n')) expect(line).not.toMatch(/^[=+\-@]|,[=+\-@]|,"[=+\-@]/);
    },
    TEST_TIMEOUT_MS,
  );
});
