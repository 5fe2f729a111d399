import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRollups, describeDifference } from '../src/db/rollups.js';
import { startTestApi, type TestApi } from './support/api.js';

/**
 * The area ancestors stay right when a statement writes tens of thousands of areas at once (the
 * bench's and an import's shape): one INSERT of 20,000 villages under 40 towns, then one UPDATE that
 * moves a town, with its villages, to another platform. Every row of `area_ancestry` is compared
 * with a walk down the tree written here, from `area` alone. Then the same session updates one
 * project and one fund flow, then thousands in one statement each (a trigger's plan made for one
 * row must not be reused for thousands): the rollups equal their recomputation and the audit log
 * has one entry per changed row. No timing is asserted; the times are printed.
 */
let api: TestApi;
let db: pg.Client;

const TOWNS = 40;
const VILLAGES = 20_000;

/** Every area's ancestors, walked down from the roots over `area` (independent of the triggers). */
const EXPECTED = `with recursive w(area_id, path, top_id, platform_id, town_id, village_id, mountain) as (
    select id, array[id], null::int, case when kind = 'PLATFORM' then id end, case when kind = 'TOWN' then id end,
      case when kind in ('VILLAGE', 'COMMUNITY') then id end, mountain
    from area where parent_id is null
    union all
    select a.id, w.path || a.id, case when w.top_id is null then a.id else w.top_id end,
      coalesce(case when a.kind = 'PLATFORM' then a.id end, w.platform_id),
      coalesce(case when a.kind = 'TOWN' then a.id end, w.town_id),
      coalesce(case when a.kind in ('VILLAGE', 'COMMUNITY') then a.id end, w.village_id),
      w.mountain or a.mountain
    from area a join w on a.parent_id = w.area_id
  ) select area_id, path, top_id, platform_id, town_id, village_id, mountain from w`;

async function differences(): Promise<{ missing: number; extra: number; total: number }> {
  const cols = 'area_id, path, top_id, platform_id, town_id, village_id, mountain';
  const { rows } = await db.query(
    `with e as (${EXPECTED}), f as (select ${cols} from area_ancestry)
     select (select count(*) from (select * from e except all select * from f) x)::int as missing,
            (select count(*) from (select * from f except all select * from e) x)::int as extra,
            (select count(*) from e)::int as total`,
  );
  return rows[0];
}

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await run();
  console.log(`[bulk-writes] ${label}: ${(performance.now() - t).toFixed(0)} ms`);
  return out;
}

beforeAll(async () => {
  api = await startTestApi();
  db = new pg.Client({ connectionString: api.databaseUrl });
  await db.connect();
  // The ancestry triggers are measured on trees the rules forbid (a town under a platform, towns moved
  // under a platform in bulk), so this suite's own database turns off the tree-shape trigger (issue 11 §1,
  // Migration20261201092000_area_tree) that refuses them; the ancestry triggers under test stay on.
  await db.query(`alter table area disable trigger area_tree_shape`);
  // A district, two platforms, towns under the district (every third a mountain town) and one under a platform.
  await db.query(`insert into area (source, created_at, updated_at, code, name, kind, parent_id, mountain)
    values ('test', now(), now(), '330110', '余杭区', 'DISTRICT', null, false)`);
  await db.query(`insert into area (source, created_at, updated_at, code, name, kind, parent_id, mountain)
    select 'test', now(), now(), '3301109' || lpad(n::text, 2, '0'), '平台' || n, 'PLATFORM', (select id from area where code = '330110'), false
    from generate_series(1, 2) n`);
  await db.query(
    `insert into area (source, created_at, updated_at, code, name, kind, parent_id, mountain)
     select 'test', now(), now(), '330110' || lpad(n::text, 3, '0'), '镇' || n, 'TOWN',
       case when n = 1 then (select id from area where code = '330110901') else (select id from area where code = '330110') end, n % 3 = 0
     from generate_series(1, $1::int) n`,
    [TOWNS],
  );
}, 120_000);

afterAll(async () => {
  await db?.query(`alter table area enable trigger area_tree_shape`);
  await db?.end();
  await api?.close();
});

describe('area ancestors under bulk writes', () => {
  it(`are right after one INSERT of ${VILLAGES} villages and communities under ${TOWNS} towns`, async () => {
    const res = await timed(`insert ${VILLAGES} villages in one statement`, () =>
      db.query(
        `insert into area (source, created_at, updated_at, code, name, kind, parent_id)
         select 'test', now(), now(), '330110' || lpad((1 + v % $2::int)::text, 3, '0') || lpad((v / $2::int)::text, 3, '0'),
           '村' || v, case when v % 7 = 0 then 'COMMUNITY' else 'VILLAGE' end,
           (select id from area t where t.code = '330110' || lpad((1 + v % $2::int)::text, 3, '0'))
         from generate_series(0, $1::int - 1) v`,
        [VILLAGES, TOWNS],
      ),
    );
    expect(res.rowCount).toBe(VILLAGES);
    const diff = await timed('compare with the walk down the tree', differences);
    expect(diff).toEqual({ missing: 0, extra: 0, total: 1 + 2 + TOWNS + VILLAGES });
    // Spot check, worked out by hand: a village of the town under platform 1 has that platform, its town and itself.
    const { rows } = await db.query(
      `select x.path = array[d.id, p.id, t.id, v.id] as path_ok, x.top_id = p.id as top_ok, x.platform_id = p.id as platform_ok,
         x.town_id = t.id as town_ok, x.village_id = v.id as village_ok, x.mountain
       from area v join area t on t.id = v.parent_id join area p on p.id = t.parent_id join area d on d.id = p.parent_id
       join area_ancestry x on x.area_id = v.id where v.code = '330110001000'`,
    );
    expect(rows).toEqual([{ path_ok: true, top_ok: true, platform_ok: true, town_ok: true, village_ok: true, mountain: false }]);
  }, 300_000);

  it('follow a mountain town and its villages moved to another platform in one UPDATE, and a whole level moved back', async () => {
    const moved = await timed('move town 3 (a mountain town) under platform 2', () =>
      db.query(`update area set parent_id = (select id from area where code = '330110902') where code = '330110003'`),
    );
    expect(moved.rowCount).toBe(1);
    expect(await differences()).toEqual({ missing: 0, extra: 0, total: 1 + 2 + TOWNS + VILLAGES });
    const { rows } = await db.query(
      `select count(*)::int as n, bool_and(x.platform_id = p.id) as platform, bool_and(x.mountain) as mountain, bool_and(x.top_id = p.id) as top
       from area v join area_ancestry x on x.area_id = v.id join area p on p.code = '330110902'
       where v.parent_id = (select id from area where code = '330110003')`,
    );
    expect(rows).toEqual([{ n: VILLAGES / TOWNS, platform: true, mountain: true, top: true }]);

    // Every town under platform 1 in one statement, then the villages' kinds flipped in one statement.
    await timed('move every town under platform 1', () =>
      db.query(`update area set parent_id = (select id from area where code = '330110901') where kind = 'TOWN'`),
    );
    await timed(`flip the kind of ${VILLAGES} villages and communities`, () =>
      db.query(`update area set kind = case kind when 'VILLAGE' then 'COMMUNITY' else 'VILLAGE' end where kind in ('VILLAGE', 'COMMUNITY')`),
    );
    await timed('mountain flag of every town flipped', () => db.query(`update area set mountain = not mountain where kind = 'TOWN'`));
    expect(await differences()).toEqual({ missing: 0, extra: 0, total: 1 + 2 + TOWNS + VILLAGES });
  }, 300_000);

  it('keep the rollups and the audit log right when one session updates one row, then thousands', async () => {
    const PROJECTS = 2_000;
    const FLOWS = 5;
    await db.query(
      `insert into project (source, created_at, updated_at, code, name, sector, host_id, signed_amount, signed_on)
       select 'test', now(), now(), 'P' || n, '项目' || n, case when n % 2 = 0 then '文旅' else '农业' end,
         (select id from area where code = '330110' || lpad((1 + n % $2::int)::text, 3, '0') || '000'), 100000000 + n, date '2022-01-01' + n % 365
       from generate_series(1, $1::int) n`,
      [PROJECTS, TOWNS],
    );
    await db.query(
      `insert into fund_flow (source, created_at, updated_at, project_id, kind, amount, occurred_on)
       select 'test', now(), now(), p.id, case when k % 2 = 0 then 'LANDED' else 'COMMITMENT' end, 1000 + k, p.signed_on + 31 * k
       from project p cross join generate_series(0, $1::int - 1) k`,
      [FLOWS],
    );
    const audited = async () => Number((await db.query(`select count(*) from audit_log where action = 'UPDATE'`)).rows[0].count);
    const before = await audited();
    // One row first: the triggers' statements are planned in this session with one-row transition tables.
    await db.query(`update fund_flow set amount = amount + 1 where id = (select min(id) from fund_flow)`);
    await db.query(`update project set sector = '工业' where code = 'P1'`);
    await timed(`update ${PROJECTS * FLOWS} fund flows in one statement`, () =>
      db.query(`update fund_flow set amount = amount + 0.01, occurred_on = occurred_on + 40`),
    );
    await timed(`move ${PROJECTS} projects to other villages in one statement`, () =>
      db.query(`update project p set host_id = (select id from area where code = '330110' || lpad((1 + (p.id + 7) % $1::int)::text, 3, '0') || '001')`, [
        TOWNS,
      ]),
    );
    expect(await audited()).toBe(before + 2 + PROJECTS * FLOWS + PROJECTS);
    const diffs = await timed('compare every rollup with its recomputation', () => checkRollups(api.databaseUrl));
    expect(diffs.map(describeDifference)).toEqual([]);
  }, 300_000);
});
