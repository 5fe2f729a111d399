import 'reflect-metadata';
import { openDatabase, openOptionsFromEnv } from './database.js';
import { checkRollups, describeDifference, rebuildRollups } from './rollups.js';

/**
 * `npm run db:rollups -- --check`: compares the materialised area ancestors and every aggregate
 * rollup with a recomputation from the base tables (exit 0: equal; 1: the differences, one a line).
 * `npm run db:rollups -- --rebuild`: replaces them with that recomputation in one transaction.
 */
const log = (msg: string) => console.error(`[rollups] ${msg}`);
const mode = process.argv.slice(2).find((a) => a === '--check' || a === '--rebuild');
if (!mode || process.argv.slice(2).length !== 1) {
  console.error('usage: npm run db:rollups -- --check | --rebuild');
  process.exit(2);
}
let code = 0;
const db = await openDatabase({ ...openOptionsFromEnv(log), log });
try {
  if (mode === '--check') {
    const diffs = await checkRollups(db.ownerUrl);
    for (const d of diffs) console.log(describeDifference(d));
    const tables = new Set(diffs.map((d) => d.table));
    console.log(
      diffs.length === 0
        ? 'rollups: every row equals its recomputation from the base tables'
        : `rollups: ${diffs.length} difference(s) in ${[...tables].join(', ')}`,
    );
    code = diffs.length === 0 ? 0 : 1;
  } else {
    const started = Date.now();
    const rebuilt = await rebuildRollups(db.ownerUrl);
    console.log(`rollups: rebuilt ${rebuilt.map((r) => `${r.table} (${r.rows} rows)`).join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
} catch (err) {
  console.error(`rollups: ${(err as Error).message}`);
  code = 1;
} finally {
  await db.close();
}
process.exit(code);
