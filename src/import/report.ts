import type { SheetSource } from './parse/rows.js';
import { csvRecord, formatProblem } from './problems.js';
import type { ImportOutcome } from './run.js';
import type { SheetSummary } from './write/write-sheets.js';

type Format = { encoding: string; delimiter: string };

const formatText = (format: Format) => `${format.encoding}, ${format.delimiter === '\t' ? 'tab' : 'comma'}-separated`;

/** "header on row 3, 2 title rows above it skipped; 12 rows": how one sheet was read. */
function sourceState(s: SheetSource): string {
  if (s.skipped === 'instructions') return 'instructions sheet, skipped';
  if (s.skipped === 'unknown') return 'unknown sheet, ignored';
  if (s.skipped === 'duplicate') return 'a second sheet of the same kind, refused';
  const header = s.headerRow === undefined ? 'no header' : `header on row ${s.headerRow}`;
  const titles = s.titleRows > 0 ? `, ${s.titleRows} title row${s.titleRows === 1 ? '' : 's'} above it skipped` : '';
  if (s.skipped === 'header') return `${header}${titles}; the header is incomplete, rows not read`;
  return `${header}${titles}; ${s.rows} row${s.rows === 1 ? '' : 's'}`;
}

/** "projects.xlsx › 项目 (projects): header on row 3, 2 title rows above it skipped; 12 rows" */
export function sourceLine(s: SheetSource, format?: Format): string {
  const name = s.kind && s.kind !== s.sheet ? `${s.sheet} (${s.kind})` : s.sheet;
  return `${s.file}${format ? ` (${formatText(format)})` : ''} › ${name}: ${sourceState(s)}`;
}

/** Created / updated / unchanged summed over the sheets. */
export function totals(summaries: SheetSummary[]): { created: number; updated: number; unchanged: number; rejected: number } {
  const t = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  for (const s of summaries) {
    t.created += s.created;
    t.updated += s.updated;
    t.unchanged += s.unchanged;
    t.rejected += s.rejected;
  }
  return t;
}

/** The last line: what happened, in counts (never "imported N rows" when nothing changed). */
export function verdictLine(outcome: ImportOutcome, dryRun: boolean): string {
  const t = totals(outcome.summaries);
  const warned = outcome.problems.warnings > 0 ? `; ${outcome.problems.warnings} warning${outcome.problems.warnings === 1 ? '' : 's'} (not blocking)` : '';
  if (outcome.status === 'rejected') return `rejected: ${outcome.problems.errors} problem(s); nothing was written${warned}`;
  if (outcome.status === 'failed') return outcome.message ?? 'the import could not run; nothing was written';
  const removed = outcome.summaries.reduce((n, s) => n + (s.removed ?? 0), 0);
  const counts = `${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged${removed > 0 ? `, ${removed} removed` : ''}`;
  if (dryRun) return `dry run: ${outcome.rows} rows checked, nothing written (would be ${counts})${warned}`;
  if (t.created + t.updated + removed === 0)
    return `nothing changed: all ${outcome.rows} rows are already in the registry as given (${counts}; audit run ${outcome.runId})${warned}`;
  return `imported: ${counts} (audit run ${outcome.runId})${warned}`;
}

/** "fund_flows: replaced the flows of 2 projects: 3 removed, 4 created, 1 updated, 0 unchanged" (--replace-project-flows). */
export function replacementLine(s: SheetSummary, dryRun: boolean): string {
  const n = s.replacedProjects ?? 0;
  return `${s.sheet}: ${dryRun ? 'would replace' : 'replaced'} the flows of ${n} project${n === 1 ? '' : 's'}: ${s.removed ?? 0} removed, ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged`;
}

/** Human-readable lines: every problem, what was read, a table of counts per sheet, and the verdict. */
export function outcomeLines(outcome: ImportOutcome, dryRun: boolean): string[] {
  const lines = outcome.problems.problems.map(formatProblem);
  if (outcome.problems.truncated)
    lines.push(
      `… and more: ${outcome.problems.errors} errors and ${outcome.problems.warnings} warnings in all; the first ${outcome.problems.problems.length} are listed, here and in --report (IMPORT_MAX_PROBLEMS)`,
    );
  if (outcome.sources.length > 0) {
    lines.push('', 'read:');
    for (const s of outcome.sources) lines.push(`  ${sourceLine(s, outcome.formats[s.file])}`);
  }
  if (outcome.summaries.length > 0) {
    const pad = (s: string | number, n: number) => String(s).padStart(n);
    lines.push('', `${'sheet'.padEnd(20)}${pad('created', 9)}${pad('updated', 9)}${pad('unchanged', 11)}${pad('rejected', 10)}`);
    for (const s of outcome.summaries) lines.push(`${s.sheet.padEnd(20)}${pad(s.created, 9)}${pad(s.updated, 9)}${pad(s.unchanged, 11)}${pad(s.rejected, 10)}`);
    for (const s of outcome.summaries) if (s.replacedProjects !== undefined) lines.push('', replacementLine(s, dryRun));
  }
  lines.push('', verdictLine(outcome, dryRun));
  return lines;
}

/**
 * The `--report` file: a UTF-8 (BOM) CSV that Excel opens with Chinese intact and never runs a
 * formula from. Every problem (error or warning) with its location, then one `read` line per
 * sheet read, one `counts` line per sheet (created / updated / unchanged / rejected) and the verdict.
 */
export function reportCsv(outcome: ImportOutcome, dryRun: boolean): string {
  const header = ['severity 级别', 'file 文件', 'sheet 工作表', 'row 行', 'column 列', 'value 值', 'rule 规则'];
  const lines: string[][] = [header];
  for (const p of outcome.problems.problems)
    lines.push([p.severity, p.file, p.sheet, p.row === null ? '' : String(p.row), p.column ?? '', p.value ?? '', p.rule]);
  for (const s of outcome.sources) {
    const format = outcome.formats[s.file];
    lines.push([
      'read',
      s.file,
      s.sheet,
      s.headerRow === undefined ? '' : String(s.headerRow),
      '',
      '',
      `${sourceState(s)}${format ? `; ${formatText(format)}` : ''}`,
    ]);
  }
  for (const s of outcome.summaries)
    lines.push([
      'counts',
      '',
      s.sheet,
      '',
      '',
      '',
      `created ${s.created}, updated ${s.updated}, unchanged ${s.unchanged}, rejected ${s.rejected}${s.removed === undefined ? '' : `, removed ${s.removed}`}`,
    ]);
  for (const s of outcome.summaries) if (s.replacedProjects !== undefined) lines.push(['replaced', '', s.sheet, '', '', '', replacementLine(s, dryRun)]);
  lines.push(['result', '', '', '', '', '', verdictLine(outcome, dryRun)]);
  return `\ufeff${lines.map(csvRecord).join('\r\n')}\r\n`;
}
