import type { MikroORM } from '@mikro-orm/postgresql';
import { sqlRows } from '../../db/sql.js';

/**
 * The rollup functions whose time `/metrics` reports (Migration20261201061000_rollups): the deferred
 * trigger that recomputes funds and tiers at commit (`rollup_flush`, which calls the first two
 * refreshes), and each rollup's recomputation.
 */
export const ROLLUP_FUNCTIONS = [
  'rollup_flush',
  'fund_rollup_refresh',
  'tier_rollup_refresh',
  'workshop_rollup_refresh',
  'income_rollup_refresh',
  'area_ancestry_refresh',
] as const;

/** What `/metrics` reads from the database at each scrape. */
export interface DatabaseFigures {
  /** Per rollup function: calls and total milliseconds since the statistics were reset (pg_stat_user_functions). */
  rollups: { name: string; calls: number; totalMs: number }[];
  /** Whether PostgreSQL tracks function times (track_functions = pl or all). */
  tracking: boolean;
  /** Committed import runs (IMPORT entries of the audit log) and their rows by result. */
  imports: { runs: number; created: number; updated: number; unchanged: number; lastAt: number | null };
}

/**
 * Reads the figures other processes produce (the importer is a separate command; rollups are
 * maintained by triggers in whichever transaction writes), so every API replica reports the same
 * database-wide totals. Two statements, both on small sets: the rollup functions' statistics, and
 * the import runs through a partial index of the audit log (`audit_log_import_index`).
 */
export async function readDatabaseFigures(orm: MikroORM): Promise<DatabaseFigures> {
  const em = orm.em.fork();
  const [rollups, imports] = await Promise.all([
    sqlRows<{ name: string; calls: string; total_ms: number; tracking: boolean }>(
      em,
      `select f.name, coalesce(s.calls, 0) as calls, coalesce(s.total_time, 0)::float8 as total_ms,
              current_setting('track_functions') in ('pl', 'all') as tracking
         from unnest(?::text[]) as f(name)
         left join pg_stat_user_functions s on s.schemaname = 'public' and s.funcname = f.name`,
      [ROLLUP_FUNCTIONS],
    ),
    sqlRows<{ runs: string; created: string; updated: string; unchanged: string; last_at: number | null }>(
      em,
      `select count(distinct a.id) as runs,
              coalesce(sum((s->>'created')::bigint), 0) as created,
              coalesce(sum((s->>'updated')::bigint), 0) as updated,
              coalesce(sum((s->>'unchanged')::bigint), 0) as unchanged,
              extract(epoch from max(a.at))::float8 as last_at
         from audit_log a
         left join lateral jsonb_array_elements(coalesce(a.details->'sheets', '[]'::jsonb)) s on true
        where a.action = 'IMPORT' and coalesce((a.details->>'dryRun')::boolean, false) = false`,
    ),
  ]);
  const i = imports[0]!;
  return {
    rollups: rollups.map((r) => ({ name: r.name, calls: Number(r.calls), totalMs: Number(r.total_ms) })),
    tracking: Boolean(rollups[0]?.tracking),
    imports: {
      runs: Number(i.runs),
      created: Number(i.created),
      updated: Number(i.updated),
      unchanged: Number(i.unchanged),
      lastAt: i.last_at === null ? null : Number(i.last_at),
    },
  };
}
