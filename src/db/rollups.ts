/**
 * The materialised tables the triggers of Migration20261201061000_rollups keep (area ancestors and
 * the aggregate rollups), each with a full recomputation from the base tables written independently
 * of the triggers: `checkRollups` compares every row with it, `rebuildRollups` replaces the tables
 * with it in one transaction.
 */
import pg from 'pg';

export interface RollupSpec {
  table: string;
  /** columns that identify a row */
  key: string[];
  /** every column, in the order `full` returns them */
  columns: string[];
  /** a select of the rows the table should hold, from the base tables alone */
  full: string;
}

const TIER = (at: string) => `count(*) filter (where p.signed_amount >= ${at}), coalesce(sum(p.signed_amount) filter (where p.signed_amount >= ${at}), 0)`;

/** Every materialised table, area ancestors first (nothing else depends on them at write time). */
export const ROLLUPS: RollupSpec[] = [
  {
    table: 'area_ancestry',
    key: ['area_id'],
    columns: ['area_id', 'path', 'top_id', 'platform_id', 'town_id', 'village_id', 'mountain'],
    // A walk down the tree from the roots, as the aggregates did at query time before.
    full: `with recursive walk(area_id, path, top_id, platform_id, town_id, village_id, mountain) as (
        select a.id, array[a.id], null::int,
          case when a.kind = 'PLATFORM' then a.id end, case when a.kind = 'TOWN' then a.id end,
          case when a.kind in ('VILLAGE', 'COMMUNITY') then a.id end, a.mountain
        from area a where a.parent_id is null
        union all
        select a.id, w.path || a.id, coalesce(w.top_id, a.id),
          case when a.kind = 'PLATFORM' then a.id else w.platform_id end,
          case when a.kind = 'TOWN' then a.id else w.town_id end,
          case when a.kind in ('VILLAGE', 'COMMUNITY') then a.id else w.village_id end,
          w.mountain or a.mountain
        from area a join walk w on a.parent_id = w.area_id where a.id <> all(w.path)
      ) select * from walk`,
  },
  {
    table: 'fund_rollup',
    key: ['grain', 'period', 'host_id', 'pairing_id', 'sector'],
    columns: [
      'grain',
      'period',
      'host_id',
      'pairing_id',
      'sector',
      'committed',
      'landed',
      'committed_flows',
      'landed_flows',
      'projects',
      'committed_projects',
      'landed_projects',
    ],
    full: `select g.grain,
        case g.grain when 'M' then date_trunc('month', f.occurred_on::timestamp)::date when 'Q' then date_trunc('quarter', f.occurred_on::timestamp)::date
          when 'Y' then date_trunc('year', f.occurred_on::timestamp)::date else '-infinity'::date end as period,
        p.host_id, p.pairing_id, p.sector,
        coalesce(sum(f.amount) filter (where f.kind = 'COMMITMENT'), 0), coalesce(sum(f.amount) filter (where f.kind = 'LANDED'), 0),
        count(*) filter (where f.kind = 'COMMITMENT')::int, count(*) filter (where f.kind = 'LANDED')::int,
        count(distinct f.project_id)::int, count(distinct f.project_id) filter (where f.kind = 'COMMITMENT')::int,
        count(distinct f.project_id) filter (where f.kind = 'LANDED')::int
      from fund_flow f join project p on p.id = f.project_id cross join (values ('M'), ('Q'), ('Y'), ('A')) g(grain)
      group by 1, 2, 3, 4, 5`,
  },
  {
    table: 'tier_rollup',
    key: ['signed_month', 'landed_month', 'cancelled', 'host_id', 'pairing_id', 'sector'],
    columns: [
      'signed_month',
      'landed_month',
      'cancelled',
      'host_id',
      'pairing_id',
      'sector',
      'projects',
      'total',
      'n_yi_1',
      's_yi_1',
      'n_yi_10',
      's_yi_10',
      'n_yi_50',
      's_yi_50',
    ],
    full: `select date_trunc('month', p.signed_on::timestamp)::date, date_trunc('month', l.reached_on::timestamp)::date,
        exists (select 1 from project_stage c where c.project_id = p.id and c.stage = 'CANCELLED'), p.host_id, p.pairing_id, p.sector,
        count(*)::int, sum(p.signed_amount), ${TIER('100000000')}, ${TIER('1000000000')}, ${TIER('5000000000')}
      from project p left join project_stage l on l.project_id = p.id and l.stage = 'LANDED'
      group by 1, 2, 3, 4, 5, 6`,
  },
  {
    table: 'workshop_rollup',
    key: ['village_id', 'type', 'host_enterprise_id', 'opened_year'],
    columns: ['village_id', 'type', 'host_enterprise_id', 'opened_year', 'workshops', 'jobs', 'low_income', 'weighted_gain', 'reporting_jobs'],
    full: `select w.village_id, w.type, w.host_enterprise_id, date_part('year', w.opened_on)::int, count(*)::int, sum(w.jobs_created)::bigint,
        sum(w.low_income_jobs)::bigint, coalesce(sum(w.jobs_created * w.income_gain_per_person), 0),
        coalesce(sum(w.jobs_created) filter (where w.income_gain_per_person is not null), 0)::bigint
      from workshop w group by 1, 2, 3, 4`,
  },
  {
    table: 'income_rollup',
    key: ['village_id', 'year'],
    columns: ['village_id', 'year', 'cur', 'prev'],
    full: `select coalesce(c.village_id, p.village_id), coalesce(c.year, p.year + 1), c.operating_income, p.operating_income
      from collective_income c full join collective_income p on p.village_id = c.village_id and p.year = c.year - 1`,
  },
];

export interface RollupDifference {
  table: string;
  /** the key of the row, column → value */
  key: Record<string, unknown>;
  /** `missing`: the base tables give the row, the table lacks it; `extra`: the reverse; `differs`: both have it, with other values */
  kind: 'missing' | 'extra' | 'differs';
  expected: Record<string, unknown> | null;
  found: Record<string, unknown> | null;
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Differences between one materialised table and its recomputation, within the caller's snapshot. */
async function differences(client: Queryable, spec: RollupSpec): Promise<RollupDifference[]> {
  const cols = spec.columns.map((c) => `"${c}"`).join(', ');
  const { rows } = await client.query(
    `with expected (${cols}) as (${spec.full}), found as (select ${cols} from "${spec.table}")
     select 'expected' as side, to_jsonb(e) as row from (select * from expected except all select * from found) e
     union all
     select 'found', to_jsonb(f) from (select * from found except all select * from expected) f`,
  );
  const byKey = new Map<string, RollupDifference>();
  for (const { side, row } of rows as { side: 'expected' | 'found'; row: Record<string, unknown> }[]) {
    const key = Object.fromEntries(spec.key.map((k) => [k, row[k] ?? null]));
    const id = JSON.stringify(key);
    const d = byKey.get(id) ?? { table: spec.table, key, kind: 'missing', expected: null, found: null };
    if (side === 'expected') d.expected = row;
    else d.found = row;
    d.kind = d.expected && d.found ? 'differs' : d.expected ? 'missing' : 'extra';
    byKey.set(id, d);
  }
  return [...byKey.values()];
}

/** Compares every materialised table with its recomputation from the base tables, in one snapshot. */
export async function checkRollups(url: string): Promise<RollupDifference[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const out: RollupDifference[] = [];
    for (const spec of ROLLUPS) out.push(...(await differences(client, spec)));
    await client.query('commit');
    return out;
  } finally {
    await client.end();
  }
}

/**
 * Replaces every materialised table with its recomputation, in one transaction, as the owner (the
 * application role may only read them). Writers wait for the lock, so none of their changes is lost.
 */
export async function rebuildRollups(ownerUrl: string): Promise<{ table: string; rows: number }[]> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`lock table ${ROLLUPS.map((r) => `"${r.table}"`).join(', ')} in exclusive mode`);
    const out: { table: string; rows: number }[] = [];
    for (const spec of ROLLUPS) {
      await client.query(`delete from "${spec.table}"`);
      const res = await client.query(`insert into "${spec.table}" (${spec.columns.map((c) => `"${c}"`).join(', ')}) ${spec.full}`);
      out.push({ table: spec.table, rows: (res as { rowCount?: number }).rowCount ?? 0 });
    }
    await client.query('commit');
    return out;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

/** One line per difference, naming the table, the key and the columns that differ. */
export function describeDifference(d: RollupDifference): string {
  const key = Object.entries(d.key)
    .map(([k, v]) => `${k}=${v === null ? 'null' : String(v)}`)
    .join(' ');
  if (d.kind === 'missing') return `${d.table} [${key}]: missing (expected ${JSON.stringify(d.expected)})`;
  if (d.kind === 'extra') return `${d.table} [${key}]: not in the base tables (found ${JSON.stringify(d.found)})`;
  const cols = Object.keys(d.expected!).filter((c) => JSON.stringify(d.expected![c]) !== JSON.stringify(d.found![c]));
  return `${d.table} [${key}]: ${cols.map((c) => `${c} expected ${JSON.stringify(d.expected![c])}, found ${JSON.stringify(d.found![c])}`).join('; ')}`;
}
