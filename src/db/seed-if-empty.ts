import { existsSync } from 'node:fs';
import type { Database } from './database.js';

/**
 * On an empty registry (no areas), loads the shipped seed data from `seeds/`, so a newcomer's
 * first query shows real-looking data. SEED=false turns this off.
 */
export async function seedIfEmpty(db: Database, log: (msg: string) => void, seedsDir = 'seeds'): Promise<void> {
  if (process.env.SEED === 'false' || !existsSync(seedsDir)) return;
  const [{ n }] = await db.orm.em.fork().getConnection().execute<{ n: string }[]>('select count(*) as n from area');
  if (Number(n) > 0) return;
  log(`the registry is empty: loading the seed data from ${seedsDir}/ …`);
  // Note: loaded only now: every start but the first never needs the importer (the API's idle
  // memory is what it loads).
  const [{ limitsFromEnv }, { runImport }] = await Promise.all([import('../import/limits.js'), import('../import/run.js')]);
  const outcome = await runImport(db.ownerUrl, { paths: [seedsDir], limits: limitsFromEnv(), actor: 'cli:seed' });
  if (outcome.status !== 'ok') {
    throw new Error(
      `could not load the seed data: ${
        outcome.message ??
        outcome.problems.problems
          .slice(0, 5)
          .map((p) => `${p.sheet} row ${p.row}: ${p.rule}`)
          .join('; ')
      }`,
    );
  }
  log(`loaded the seed data: ${outcome.summaries.map((s) => `${s.created} ${s.sheet}`).join(', ')}`);
}
