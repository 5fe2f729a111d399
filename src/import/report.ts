import type { ImportOutcome } from './run.js';
import { formatProblem } from './problems.js';

/** Human-readable lines: every problem, then a table of counts per sheet. */
export function outcomeLines(outcome: ImportOutcome, dryRun: boolean): string[] {
  const lines = outcome.problems.problems.map(formatProblem);
  if (outcome.problems.truncated) lines.push(`… and more: ${outcome.problems.errors} errors and ${outcome.problems.warnings} warnings in all (write them all with --report)`);
  if (outcome.summaries.length > 0) {
    const pad = (s: string | number, n: number) => String(s).padStart(n);
    lines.push('', `${'sheet'.padEnd(20)}${pad('created', 9)}${pad('updated', 9)}${pad('unchanged', 11)}${pad('rejected', 10)}`);
    for (const s of outcome.summaries) lines.push(`${s.sheet.padEnd(20)}${pad(s.created, 9)}${pad(s.updated, 9)}${pad(s.unchanged, 11)}${pad(s.rejected, 10)}`);
  }
  if (outcome.status === 'ok') lines.push('', dryRun ? `dry run: ${outcome.rows} rows checked, nothing written` : `imported ${outcome.rows} rows (audit run ${outcome.runId})`);
  if (outcome.status === 'rejected') lines.push('', `rejected: ${outcome.problems.errors} problem(s); nothing was written`);
  if (outcome.status === 'failed') lines.push('', outcome.message ?? 'the import could not run; nothing was written');
  return lines;
}

/** Progress on a terminal: a bar with rows/s and ETA; elsewhere a plain line every 10%. */
export function progressPrinter(stream: NodeJS.WriteStream): (done: number, total: number) => void {
  const started = Date.now();
  let lastDecile = -1;
  let lastDraw = 0;
  return (done, total) => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    if (stream.isTTY) {
      if (Date.now() - lastDraw < 100 && done < total) return;
      lastDraw = Date.now();
      const width = 30;
      const filled = Math.round((done / Math.max(1, total)) * width);
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} rows  ${rate} rows/s  ETA ${eta}s `);
      if (done >= total) stream.write('\n');
    } else if (total >= 10_000) {
      const decile = Math.floor((done / Math.max(1, total)) * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`written ${done}/${total} rows (${rate} rows/s)\n`);
      }
    }
  };
}
