import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { openCommandDatabase } from '../db/database.js';
import { limitsFromEnv } from './limits.js';
import { progressReporter } from './progress.js';
import { outcomeLines, reportCsv } from './report.js';
import { runImport } from './run.js';

/**
 * `npm run import -- <file.xlsx | file.csv | folder>... [--dry-run] [--report problems.csv] [--no-wait] [--create] [--replace-project-flows]`
 * Exit codes: 0 imported (or dry run clean), 1 input rejected (nothing written), 2 could not run.
 */
const program = new Command()
  .name('import')
  .description('Validate spreadsheets (.xlsx or .csv) and write them to the registry, all or nothing.')
  .argument('<paths...>', 'workbooks, CSV files, or folders holding them')
  .option('--dry-run', 'check and report, write nothing')
  .option('--report <file.csv>', 'write every problem, what was read and the counts per sheet to a CSV file (opens in Excel)')
  .option('--no-wait', 'give up (exit 2) instead of waiting when another import is running')
  .option('--create', 'create a new, empty embedded database when PG_DATA_DIR holds none (otherwise that is refused)')
  .option(
    '--replace-project-flows',
    "for sources without 凭证号 (references): replace all fund flows of the projects in the fund_flows sheet with the file's rows (other projects untouched)",
  )
  .option('--as <label>', 'who runs the import, for the audit log (default: the OS user)')
  .exitOverride();

let code = 2;
try {
  program.parse();
  const opts = program.opts<{ dryRun?: boolean; report?: string; wait: boolean; create?: boolean; as?: string; replaceProjectFlows?: boolean }>();
  const log = (msg: string) => console.error(`[import] ${msg}`);
  const db = await openCommandDatabase('import', { create: Boolean(opts.create), log });
  try {
    const outcome = await runImport(db.ownerUrl, {
      paths: program.args,
      dryRun: opts.dryRun,
      noWait: !opts.wait,
      actor: opts.as ? `cli:${opts.as}` : undefined,
      replaceProjectFlows: Boolean(opts.replaceProjectFlows),
      limits: limitsFromEnv(),
      log,
      progress: progressReporter(process.stderr),
    });
    for (const line of outcomeLines(outcome, Boolean(opts.dryRun))) console.log(line);
    if (opts.report) {
      await writeFile(opts.report, reportCsv(outcome, Boolean(opts.dryRun)));
      console.log(`problems written to ${opts.report}`);
    }
    code = outcome.status === 'ok' ? 0 : outcome.status === 'rejected' ? 1 : 2;
  } finally {
    await db.close();
  }
} catch (e) {
  const err = e as { code?: string; exitCode?: number; message: string };
  if (err.code?.startsWith('commander.')) code = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
  else console.error(`import could not run: ${err.message}`);
}
process.exit(code);
