import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { checkSheets, referencedKeys, type Existing } from './check.js';
import { loadIndicatorKeys } from './check-indicators.js';
import { expandPaths, readFileRows } from './files.js';
import { UnreadableFileError, type ImportLimits } from './limits.js';
import { warnLandedFlows } from './landed-flows.js';
import { fillReferences, sheetsFor } from './replace-flows.js';
import { SheetParser, type SheetSource } from './parse/rows.js';
import { NO_PROGRESS, type Progress } from './progress.js';
import type { TextFormat } from './read/csv.js';
import { ProblemLog } from './problems.js';
import type { Stage } from '../project/project.enums.js';
import { sqlOf, type Sql } from './write/sql.js';
import { writeSheets, type SheetSummary } from './write/write-sheets.js';

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

async function loadExisting(sql: Sql, keys: ReturnType<typeof referencedKeys>, stageProjects: string[]): Promise<Existing> {
  const areas = await sql.query('select code, kind, mountain from area where code = any($1)', [[...keys.areas]]);
  const enterprises = await sql.query('select credit_code, ownership from enterprise where credit_code = any($1)', [[...keys.enterprises]]);
  const pairings = await sql.query('select code from pairing where code = any($1)', [[...keys.pairings]]);
  const projects = await sql.query('select code, signed_on from project where code = any($1)', [[...keys.projects]]);
  const stages = await sql.query('select p.code, s.stage, s.reached_on from project_stage s join project p on p.id = s.project_id where p.code = any($1)', [stageProjects]);
  const stageMap = new Map<string, { stage: Stage; reachedOn: string }[]>();
  for (const s of stages) stageMap.set(s.code, [...(stageMap.get(s.code) ?? []), { stage: s.stage, reachedOn: s.reached_on }]);
  return {
    areas: new Map(areas.map((a) => [a.code, { kind: a.kind, mountain: a.mountain }])),
    enterprises: new Map(enterprises.map((e) => [e.credit_code, { ownership: e.ownership }])),
    pairings: new Set(pairings.map((p) => p.code)),
    projects: new Map(projects.map((p) => [p.code, { signedOn: p.signed_on }])),
    stages: stageMap,
    ...(await loadIndicatorKeys(sql)),
  };
}

/**
 * Imports spreadsheets: reads and checks everything first, reporting every problem; then, if
 * there are none and this is not a dry run, writes all rows in one transaction under an
 * advisory lock. Any failure leaves the database as it was.
 */
export async function runImport(databaseUrl: string, opts: ImportOptions): Promise<ImportOutcome> {
  const log = new ProblemLog(opts.limits.maxProblems);
  const parser = new SheetParser(log, sheetsFor(Boolean(opts.replaceProjectFlows)));
  const formats: Record<string, TextFormat> = {};
  const outcome = (status: ImportStatus, extra: Partial<ImportOutcome> = {}): ImportOutcome => ({ status, problems: log, summaries: [], rows: 0, sources: parser.sources, formats, ...extra });
  const timing = process.env.IMPORT_TIMING === '1' ? (label: string, t0: number) => opts.log?.(`${label}: ${Date.now() - t0} ms`) : () => {};
  const progress = opts.progress ?? NO_PROGRESS;
  let t0 = Date.now();
  const rowBudget = { left: opts.limits.maxRows };
  const files: string[] = [];
  const filePaths: string[] = [];
  try {
    const paths = await expandPaths(opts.paths);
    const sizes = await Promise.all(paths.map(async (file) => (await stat(file)).size));
    progress.start('read', sizes.reduce((a, b) => a + b, 0));
    for (const [i, file] of paths.entries()) {
      files.push(path.basename(file));
      filePaths.push(file);
      let read = 0;
      const format = await readFileRows(file, opts.limits, rowBudget, parser.accept, (n) => {
        read += n;
        progress.advance(n);
      });
      if (sizes[i]! > read) progress.advance(sizes[i]! - read);
      if (format) formats[path.basename(file)] = format;
    }
  } catch (e) {
    progress.done();
    if (!(e instanceof UnreadableFileError)) throw e;
    log.add({ severity: 'error', file: path.basename(e.file), sheet: '', row: null, column: null, value: null, rule: e.message.slice(e.file.length + 2) });
    return outcome('rejected');
  }
  const sheets = parser.sheets();
  if (opts.replaceProjectFlows) fillReferences(sheets);
  progress.done();
  timing('read and parse', t0);
  const rows = sheets.reduce((n, s) => n + s.rows.length, 0);
  if (rows === 0 && log.errors === 0) log.add({ severity: 'error', file: files.join(', '), sheet: '', row: null, column: null, value: null, rule: 'no rows to import: is this a registry workbook (sheets areas, enterprises, projects, …)?' });

  const client = new pg.Client({ connectionString: databaseUrl });
  // The server going away must fail the running statement (reported below), not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    return outcome('failed', { message: `cannot connect to the database: ${(e as Error).message}` });
  }
  const sql = sqlOf(client);
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
    // Stages of the projects whose stages or landed money this import touches.
    const stageProjects = [
      ...(sheets.find((s) => s.spec.name === 'project_stages')?.rows.map((r) => String(r.values.project_code)) ?? []),
      ...(sheets.find((s) => s.spec.name === 'fund_flows')?.rows.filter((r) => r.values.kind === 'LANDED').map((r) => String(r.values.project_code)) ?? []),
    ];
    t0 = Date.now();
    progress.start('check', rows);
    const existing = await loadExisting(sql, referencedKeys(sheets), [...new Set(stageProjects)]);
    checkSheets(sheets, existing, log);
    warnLandedFlows(sheets, existing, log);
    progress.advance(rows);
    progress.done();
    timing('check', t0);
    t0 = Date.now();
    if (log.errors > 0) {
      await client.query('rollback');
      const summaries = sheets.map(({ spec, rows: list }) => ({ sheet: spec.name, created: 0, updated: 0, unchanged: 0, rejected: list.filter((r) => r.invalid).length }));
      return outcome('rejected', { rows, summaries });
    }
    // Every record this run changes is logged by the audit triggers with the run id and the operator.
    const runId = randomUUID();
    const actor = opts.actor ?? `cli:${os.userInfo().username}`;
    await sql.query(
      `select set_config('registry.actor', $1, true), set_config('registry.role', 'operator', true), set_config('registry.operation', 'import', true), set_config('registry.run_id', $2, true)`,
      [actor, runId],
    );
    progress.start('write', rows);
    const summaries = await writeSheets(sql, sheets, (n) => progress.advance(n), { replaceProjectFlows: opts.replaceProjectFlows });
    progress.done();
    timing('write', t0);
    const hashed = await Promise.all(filePaths.map(async (file) => ({ name: path.basename(file), sha256: await sha256(file) })));
    await sql.query(`insert into audit_log (action, record_kind, details) values ('IMPORT', null, $1::jsonb)`, [
      JSON.stringify({ files: hashed, sheets: summaries.map(({ sheet, created, updated, unchanged, removed }) => ({ sheet, created, updated, unchanged, ...(removed === undefined ? {} : { removed }) })), dryRun: Boolean(opts.dryRun), ...(opts.replaceProjectFlows ? { replaceProjectFlows: true } : {}) }),
    ]);
    await client.query(opts.dryRun ? 'rollback' : 'commit');
    return outcome('ok', { summaries, rows, runId: opts.dryRun ? undefined : runId });
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    const err = e as { code?: string; message: string; constraint?: string; detail?: string };
    if (err.code && /^(22|23)/.test(err.code)) {
      log.add({ severity: 'error', file: '', sheet: '', row: null, column: null, value: err.detail ?? null, rule: `the database refused the data (${err.constraint ?? err.code}): ${err.message}` });
      return outcome('rejected', { rows });
    }
    return outcome('failed', { message: `import failed, nothing was written: ${err.message}` });
  } finally {
    await client.end().catch(() => undefined);
  }
}
