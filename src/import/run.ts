import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type PgRefusal, VARCHAR_COLUMNS_SQL, varcharLength } from '../db/refusals.js';
import { checkSheets, failer, loadExisting, STAGED_ROW_RULES } from './check.js';
import { expandPaths, readFileRows } from './files.js';
import { type ImportLimits, UnreadableFileError } from './limits.js';
import { locateRefusal, locateStagedRefusal } from './locate.js';
import { type ParsedSheet, SheetParser, type SheetSource } from './parse/rows.js';
import { ProblemLog } from './problems.js';
import { NO_PROGRESS, type Progress } from './progress.js';
import type { RowSink } from './read/cells.js';
import type { TextFormat } from './read/csv.js';
import { fillReferences, sheetsFor } from './replace-flows.js';
import { SHEETS } from './sheets.js';
import { sqlOf } from './write/sql.js';
import { checkStaged, stagedRejected } from './write/staged-checks.js';
import { STAGED_KINDS, Staging } from './write/staging.js';
import { type SheetSummary, writeSheets } from './write/write-sheets.js';
import { writeStaged } from './write/write-staged.js';

/** Key of the advisory lock that keeps two imports from interleaving. */
const IMPORT_LOCK = 7_370_110;

export interface ImportOptions {
  paths: string[];
  dryRun?: boolean;
  /** Give up instead of waiting when another import holds the lock. */
  noWait?: boolean;
  limits: ImportLimits;
  log?: (msg: string) => void;
  /** Told how each phase (read, check, write) advances. */
  progress?: Progress;
  /** Who runs it, for the audit log (default `cli:<OS user>`). */
  actor?: string;
  /** Replace the fund flows of the projects in the fund_flows sheet; 凭证号 may then be empty (src/import/replace-flows.ts). */
  replaceProjectFlows?: boolean;
}

/** SHA-256 of a file, hex, read as a stream. */
async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** ok: written (or would be, on a dry run); rejected: bad input, nothing written; failed: could not run. */
export type ImportStatus = 'ok' | 'rejected' | 'failed';

export interface ImportOutcome {
  status: ImportStatus;
  /** Id of the run in the audit log (each record it changed carries it); set when something was written. */
  runId?: string;
  problems: ProblemLog;
  summaries: SheetSummary[];
  rows: number;
  /** Every sheet (or CSV file) read: its kind, where its header was, or why it was skipped. */
  sources: SheetSource[];
  /** How each text file was read (encoding, separator), by file name. */
  formats: Record<string, TextFormat>;
  message?: string;
}

/** Summaries (in the format's order) when nothing is written: every row counted as rejected or not. */
function sortSummaries(summaries: SheetSummary[]): SheetSummary[] {
  const at = (s: SheetSummary) => SHEETS.findIndex((x) => x.name === s.sheet);
  return [...summaries].sort((a, b) => at(a) - at(b));
}

/**
 * Imports spreadsheets, all or nothing, in one transaction under an advisory lock: reads every
 * file as a stream, parsing and checking each row as it comes; the rows of the large kinds
 * (projects, stages, fund flows: STAGED_KINDS) go in batches to staging tables with COPY, the
 * others are held in memory. Then every cross-record rule is checked (in memory, and in SQL over
 * the staging tables), every problem reported; if there are none and this is not a dry run, the
 * rows are written (set-based from staging) and committed. Any failure leaves the database as it was.
 */
export async function runImport(databaseUrl: string, opts: ImportOptions): Promise<ImportOutcome> {
  const log = new ProblemLog(opts.limits.maxProblems);
  let parser = new SheetParser(log);
  const formats: Record<string, TextFormat> = {};
  const outcome = (status: ImportStatus, extra: Partial<ImportOutcome> = {}): ImportOutcome => ({
    status,
    problems: log,
    summaries: [],
    rows: 0,
    sources: parser.sources,
    formats,
    ...extra,
  });
  const timing =
    process.env.IMPORT_TIMING === '1'
      ? (label: string, t0: number) => opts.log?.(`${label}: ${Date.now() - t0} ms (peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB)`)
      : () => {};
  const progress = opts.progress ?? NO_PROGRESS;
  const unreadable = (e: UnreadableFileError) => {
    log.add({ severity: 'error', file: path.basename(e.file), sheet: '', row: null, column: null, value: null, rule: e.message.slice(e.file.length + 2) });
    return outcome('rejected');
  };
  let paths: string[];
  try {
    paths = await expandPaths(opts.paths);
  } catch (e) {
    if (!(e instanceof UnreadableFileError)) throw e;
    return unreadable(e);
  }

  const client = new pg.Client({ connectionString: databaseUrl });
  // The server going away must fail the running statement (reported below), not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    return outcome('failed', { message: `cannot connect to the database: ${(e as Error).message}` });
  }
  const sql = sqlOf(client);
  let rows = 0;
  let sheets: ParsedSheet[] = [];
  let staging: Staging | undefined;
  let writing = false;
  try {
    await client.query('begin');
    const [{ locked }] = await sql.query('select pg_try_advisory_xact_lock($1) as locked', [IMPORT_LOCK]);
    if (!locked) {
      if (opts.noWait) {
        await client.query('rollback');
        return outcome('failed', { message: 'another import is running; try again when it has finished' });
      }
      opts.log?.('another import is running; waiting for it to finish…');
      await sql.query('select pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
    }

    // 1. Read, parse and check each row as it comes; the staged kinds go to their tables as they are read.
    let t0 = Date.now();
    const fail = failer(log);
    const specs = sheetsFor(Boolean(opts.replaceProjectFlows));
    staging = await Staging.create(client, specs, (spec, row) => STAGED_ROW_RULES[spec.name]?.(row, fail));
    parser = new SheetParser(log, specs, staging);
    const held = heldRowGuard(parser, opts.limits.maxHeldRows);
    const files: string[] = [];
    const filePaths: string[] = [];
    try {
      const sizes = await Promise.all(paths.map(async (file) => (await stat(file)).size));
      progress.start(
        'read',
        sizes.reduce((a, b) => a + b, 0),
      );
      const rowBudget = { left: opts.limits.maxRows };
      for (const [i, file] of paths.entries()) {
        files.push(path.basename(file));
        filePaths.push(file);
        let read = 0;
        const format = await readFileRows(file, opts.limits, rowBudget, held(file), (n) => {
          read += n;
          progress.advance(n);
        });
        if (sizes[i]! > read) progress.advance(sizes[i]! - read);
        if (format) formats[path.basename(file)] = format;
      }
      await parser.finish();
      await staging.finish();
      if (opts.replaceProjectFlows) await fillReferences(sql, staging);
    } catch (e) {
      progress.done();
      if (!(e instanceof UnreadableFileError)) throw e;
      await client.query('rollback');
      return unreadable(e);
    }
    sheets = parser.sheets();
    progress.done();
    timing('read, parse and stage', t0);
    rows = sheets.reduce((n, s) => n + s.rows.length, 0) + staging.rows;
    if (rows === 0 && log.errors === 0)
      log.add({
        severity: 'error',
        file: files.join(', '),
        sheet: '',
        row: null,
        column: null,
        value: null,
        rule: 'no rows to import: is this a registry workbook (sheets areas, enterprises, projects, …)?',
      });

    // 2. The rules across rows, sheets and the registry.
    t0 = Date.now();
    progress.start('check', rows);
    const existing = await loadExisting(sql, sheets);
    checkSheets(sheets, existing, log);
    await checkStaged(sql, staging, sheets, log);
    progress.advance(rows);
    progress.done();
    timing('check', t0);
    t0 = Date.now();
    if (log.errors > 0) {
      const rejected = await stagedRejected(sql, staging);
      await client.query('rollback');
      const summaries = sheets.map(({ spec, rows: list }) => ({
        sheet: spec.name,
        created: 0,
        updated: 0,
        unchanged: 0,
        rejected: list.filter((r) => r.invalid).length,
      }));
      for (const [sheet, n] of rejected) summaries.push({ sheet, created: 0, updated: 0, unchanged: 0, rejected: n });
      return outcome('rejected', { rows, summaries: sortSummaries(summaries) });
    }

    // 3. Write. Every record this run changes is logged by the audit triggers with the run id and the operator.
    const runId = randomUUID();
    const actor = opts.actor ?? `cli:${os.userInfo().username}`;
    await sql.query(
      `select set_config('registry.actor', $1, true), set_config('registry.role', 'operator', true), set_config('registry.operation', 'import', true), set_config('registry.run_id', $2, true)`,
      [actor, runId],
    );
    progress.start('write', rows);
    // A database refusal while writing is located on the staging rows, which a rollback to here keeps.
    await client.query('savepoint import_write');
    writing = true;
    const summaries = sortSummaries([
      ...(await writeSheets(sql, sheets, (n) => progress.advance(n))),
      ...(await writeStaged(sql, staging, (n) => progress.advance(n), { replaceProjectFlows: opts.replaceProjectFlows })),
    ]);
    progress.done();
    timing('write', t0);
    t0 = Date.now();
    const hashed = await Promise.all(filePaths.map(async (file) => ({ name: path.basename(file), sha256: await sha256(file) })));
    await sql.query(`insert into audit_log (action, record_kind, details) values ('IMPORT', null, $1::jsonb)`, [
      JSON.stringify({
        files: hashed,
        sheets: summaries.map(({ sheet, created, updated, unchanged, removed }) => ({
          sheet,
          created,
          updated,
          unchanged,
          ...(removed === undefined ? {} : { removed }),
        })),
        dryRun: Boolean(opts.dryRun),
        ...(opts.replaceProjectFlows ? { replaceProjectFlows: true } : {}),
      }),
    ]);
    await client.query(opts.dryRun ? 'rollback' : 'commit');
    timing(opts.dryRun ? 'roll back' : 'commit (rollups recomputed)', t0);
    return outcome('ok', { summaries, rows, runId: opts.dryRun ? undefined : runId });
  } catch (e) {
    const err = e as { code?: string; message: string };
    // A refusal of the database (a check, key or length its rules did not catch) is located on the file's row and column:
    // rows held in memory by the sheets, staged rows by their staging table (still there after a rollback to the savepoint).
    const refusal = Boolean(err.code && /^(22|23)/.test(err.code));
    const length = err.code === '22001' ? varcharLength(e as PgRefusal) : NaN;
    let staged: ReturnType<typeof locateRefusal> | undefined;
    let varchar: { table: string; column: string }[] = [];
    if (refusal && writing && staging) {
      try {
        await client.query('rollback to savepoint import_write');
        if (!Number.isNaN(length)) varchar = (await sql.query(VARCHAR_COLUMNS_SQL, [length])) as { table: string; column: string }[];
        staged = await locateStagedRefusal(e, sql, staging, varchar);
      } catch {
        // Located below from the sheets held in memory, or reported unlocated.
      }
    }
    await client.query('rollback').catch(() => undefined);
    if (!Number.isNaN(length) && varchar.length === 0)
      varchar = (await sql.query(VARCHAR_COLUMNS_SQL, [length]).catch(() => [])) as { table: string; column: string }[];
    const refused = staged ?? locateRefusal(e, sheets, varchar);
    if (refused) {
      log.add(refused);
      return outcome('rejected', { rows });
    }
    return outcome('failed', { message: `import failed, nothing was written: ${err.message}` });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The parser's sink, refusing a file once more than `max` rows of the kinds held in memory (all
 * but STAGED_KINDS) have been read: those rows stay in memory until they are written.
 */
function heldRowGuard(parser: SheetParser, max: number): (file: string) => RowSink {
  let count = 0;
  return (file) => (name, sheet, raw) => {
    const held = parser.accept(name, sheet, raw);
    if (++count % 1024 === 0) {
      const inMemory = parser.sources.reduce((n, s) => n + (s.kind && !STAGED_KINDS.includes(s.kind) ? s.rows : 0), 0);
      if (inMemory > max)
        throw new UnreadableFileError(
          file,
          `more than ${max} rows of ${SHEETS.filter((s) => !STAGED_KINDS.includes(s.name))
            .map((s) => s.name)
            .join(', ')} in this import (IMPORT_MAX_HELD_ROWS; projects, stages and fund flows are not counted)`,
        );
    }
    return held;
  };
}
