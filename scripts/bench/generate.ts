/**
 * Generates a registry of a given size on a database that already holds the seed workbook (loaded
 * through the importer), by cloning the seed: copy c of every seed village and community (under
 * the same town or street), enterprise, pairing, workshop and collective-income figure, and as
 * many copies of the seed projects (with their investors and stages) as the size asks for. So the
 * generated registry keeps the seed's proportions (projects per host area and tier, villages per
 * town, pairings per scheme, investors per project, stages, workshops and incomes per village) on
 * the seed's area tree. Fund flows are generated to the exact number asked for: each generated
 * project gets the same number of flows (40% of them LANDED, the rest COMMITMENT), a month apart
 * from its signing date.
 *
 * The area tree does not grow like the projects (a province has 100 times Yuhang's projects but
 * about 1,300 towns and 20,000 villages, not 100 times Yuhang's villages): `towns` and `villages`
 * give their totals. Left out, towns stay the seed's and villages get one copy per project copy
 * (the generator's first behaviour, kept for scales 1 and 10). Town copy k of a seed town sits under
 * the same parent; village copy c of a seed village sits under instance (c - 1) mod n of its town
 * (instance 0 being the seed town itself, n the town's instances), so villages spread evenly over
 * the towns. Projects and pairings of project copy c use village copy 1 + (c - 1) mod (village
 * copies).
 *
 * Everything is set-based SQL (`generate_series`) through plain INSERT statements, so every
 * trigger of the schema (audit log, rollups, materialised ancestors, …) fires as for any other
 * write. The fund flows are written in chunks inside ONE transaction, so the rollups are
 * recomputed once, at its commit (a commit per chunk would recompute them whole once per chunk).
 *
 * `bulk` (the province scale): the tables but `area` are written with their user triggers
 * disabled (audit log and rollups; foreign keys are still checked), then the rollups and area
 * ancestors are rebuilt once from the base tables (`rebuildRollups`, what `npm run db:rollups --
 * --rebuild` runs). The generated rows then have no audit-log entries. Through the triggers, 10
 * million fund flows would take about an hour on the 2-core machine (README, Scaling out). Generated rows are recognisable by their keys: area codes starting with 8, enterprise
 * credit codes starting with 9B, project and pairing codes containing `~`.
 */
import pg from 'pg';
import { rebuildRollups } from '../../src/db/rollups.js';

export interface GenerateOptions {
  /** Projects in all, the seed's included. */
  projects: number;
  /** Fund flows in all, the seed's included. */
  fundFlows: number;
  /** Towns and streets (kind TOWN) in all, the seed's included; default: the seed's. */
  towns?: number;
  /** Villages and communities in all, the seed's included; default: one copy of the seed's per project copy. */
  villages?: number;
  log?: (msg: string) => void;
  /** Writes with the audit and rollup triggers off and rebuilds the rollups once at the end. */
  bulk?: boolean;
  /** Called after each statement the generator times, with its seconds. */
  onStep?: (label: string, seconds: number) => void;
}

export interface Counts {
  [table: string]: number;
}

/** The tables the bench counts (and the generator fills). */
export const COUNTED_TABLES = [
  'area',
  'enterprise',
  'pairing',
  'project',
  'project_investor',
  'project_stage',
  'fund_flow',
  'workshop',
  'collective_income',
] as const;

/** The tables whose user triggers (audit log, rollups) `bulk` turns off while it writes. */
const BULK_TABLES = ['enterprise', 'pairing', 'project', 'project_investor', 'project_stage', 'fund_flow', 'workshop', 'collective_income'];

/** Fund flows per generated project, in chunks of this many projects per INSERT statement. */
const FLOW_CHUNK_PROJECTS = 25_000;

export async function countRows(client: pg.ClientBase): Promise<Counts> {
  const counts: Counts = {};
  for (const table of COUNTED_TABLES) counts[table] = (await client.query(`select count(*)::int as n from ${table}`)).rows[0].n;
  return counts;
}

/** Towns (kind TOWN) and villages and communities. */
export async function countAreas(client: pg.ClientBase): Promise<{ towns: number; villages: number }> {
  const { rows } = await client.query(
    `select count(*) filter (where kind = 'TOWN')::int as towns, count(*) filter (where kind in ('VILLAGE', 'COMMUNITY'))::int as villages from area`,
  );
  return rows[0];
}

/**
 * Fills the database at `ownerUrl` (seed already loaded) up to the given size, then runs
 * `vacuum analyze`. Returns the row counts.
 */
export async function generateRegistry(ownerUrl: string, opts: GenerateOptions): Promise<Counts> {
  const log = opts.log ?? (() => {});
  const client = new pg.Client({ connectionString: ownerUrl, application_name: 'bench-generate' });
  await client.connect();
  try {
    const seed = await countRows(client);
    const seedAreas = await countAreas(client);
    if (seed.project === 0) throw new Error('generateRegistry: load the seed first (no projects)');
    if (opts.projects < seed.project) throw new Error(`generateRegistry: asked for ${opts.projects} projects, the seed alone has ${seed.project}`);
    const generated = opts.projects - seed.project;
    const copies = Math.max(0, Math.ceil(opts.projects / seed.project) - 1);
    const flows = opts.fundFlows - seed.fund_flow;
    if (generated > 0 && flows < generated) throw new Error(`generateRegistry: ${opts.fundFlows} fund flows are too few for ${opts.projects} projects`);
    const perProject = generated > 0 ? Math.floor(flows / generated) : 0;
    const extra = generated > 0 ? flows - perProject * generated : 0;
    const step = async (label: string, sql: string, params: unknown[] = []) => {
      const t = Date.now();
      const res = await client.query(sql, params);
      opts.onStep?.(label, (Date.now() - t) / 1000);
      log(`${label}: ${res.rowCount ?? 0} rows in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    };

    // Note: room for the hash aggregations of the one-off rollup recomputation at each commit.
    await client.query(`set work_mem = '256MB'`);
    if (opts.bulk) for (const table of BULK_TABLES) await client.query(`alter table "${table}" disable trigger user`);
    await client.query('begin');
    // The seed as it was imported, numbered, and the copy numbers.
    await client.query(`create temp table seed_project on commit drop as
      select row_number() over (order by id) - 1 as ord, * from project`);
    await client.query(`create temp table copy_no on commit drop as select c from generate_series(1, $1::int) c`, [copies]);

    // Towns: copy k = 1 + g / T of seed town g % T (T seed towns), under the same parent.
    await client.query(`create temp table seed_town on commit drop as
      select row_number() over (order by id) - 1 as ord, * from area where kind = 'TOWN' and code not like '8%'`);
    const extraTowns = Math.max(0, (opts.towns ?? seedAreas.towns) - seedAreas.towns);
    if (extraTowns > 0) {
      await step(
        `towns (${extraTowns})`,
        `insert into area (source, created_at, updated_at, code, name, kind, parent_id, mountain, scenic_grade)
         select t.source, now(), now(), '8' || lpad(x.c::text, 5, '0') || lpad(t.id::text, 6, '0'), t.name || '·' || x.c,
           t.kind, t.parent_id, t.mountain, t.scenic_grade
         from generate_series(0, $1::int - 1) g cross join lateral (select 1 + g / $2::int as c) x
         join seed_town t on t.ord = g % $2::int
         order by g`,
        [extraTowns, seedAreas.towns],
      );
    }
    // Instance k of each seed town (k = 0: the seed town itself) and the number of instances.
    await client.query(`create temp table town_inst on commit drop as
      select t.id as seed_id, 0 as k, t.id as new_id from seed_town t
      union all
      select t.id, substr(a.code, 2, 5)::int, a.id
      from area a join seed_town t on right(a.code, 6) = lpad(t.id::text, 6, '0')
      where a.kind = 'TOWN' and a.code like '8%'`);
    await client.query('create index on town_inst (seed_id, k)');
    await client.query(`create temp table town_n on commit drop as select seed_id, count(*)::int as n from town_inst group by seed_id`);

    // Villages and communities: copy c = 1 + g / V of seed village g % V, under instance (c - 1) mod n of its town.
    await client.query(`create temp table seed_village on commit drop as
      select row_number() over (order by id) - 1 as ord, * from area where kind in ('VILLAGE', 'COMMUNITY') and code not like '8%'`);
    const extraVillages = Math.max(0, (opts.villages ?? seedAreas.villages * (copies + 1)) - seedAreas.villages);
    const villageCopies = seedAreas.villages > 0 ? Math.ceil(extraVillages / seedAreas.villages) : 0;
    await step(
      `villages and communities (${extraVillages}: ${villageCopies} copies)`,
      `insert into area (source, created_at, updated_at, code, name, kind, parent_id, mountain, scenic_grade)
       select v.source, now(), now(), '8' || lpad(x.c::text, 5, '0') || lpad(v.id::text, 6, '0'), v.name || '·' || x.c,
         v.kind, coalesce(ti.new_id, v.parent_id), v.mountain, v.scenic_grade
       from generate_series(0, $1::int - 1) g cross join lateral (select 1 + g / $2::int as c) x
       join seed_village v on v.ord = g % $2::int
       left join town_n tn on tn.seed_id = v.parent_id
       left join town_inst ti on ti.seed_id = v.parent_id and ti.k = (x.c - 1) % tn.n
       order by g`,
      [extraVillages, seedAreas.villages],
    );
    await client.query(`create temp table village_map on commit drop as
      select v.id as seed_id, substr(a.code, 2, 5)::int as c, a.id as new_id from area a
      join seed_village v on right(a.code, 6) = lpad(v.id::text, 6, '0')
      where a.kind in ('VILLAGE', 'COMMUNITY') and a.code like '8%'`);
    await client.query('create index on village_map (seed_id, c)');
    /** The village copy that project copy `c` (an SQL expression) uses. */
    const vc = (c: string) => `1 + (${c} - 1) % ${Math.max(1, villageCopies)}`;

    await step(
      'enterprises',
      `insert into enterprise (source, created_at, updated_at, credit_code, name, ownership, tags)
       select e.source, now(), now(), '9B' || lpad(n.c::text, 5, '0') || lpad(e.id::text, 6, '0') || '00000', e.name || '·' || n.c, e.ownership, e.tags
       from enterprise e cross join copy_no n where e.credit_code not like '9B%'
       order by n.c, e.id`,
    );
    await client.query(`create temp table enterprise_map on commit drop as
      select e.id as seed_id, n.c, x.id as new_id from enterprise e cross join copy_no n
      join enterprise x on x.credit_code = '9B' || lpad(n.c::text, 5, '0') || lpad(e.id::text, 6, '0') || '00000'
      where e.credit_code not like '9B%'`);
    await client.query('create index on enterprise_map (seed_id, c)');

    await step(
      'pairings',
      `insert into pairing (source, created_at, updated_at, code, scheme, lead_area_id, lead_enterprise_id, partner_area_id, partner_enterprise_id, start_date, end_date, note)
       select p.source, now(), now(), p.code || '~' || n.c, p.scheme,
         coalesce(la.new_id, p.lead_area_id), le.new_id, coalesce(pa.new_id, p.partner_area_id), pe.new_id,
         p.start_date, p.end_date, p.note
       from pairing p cross join copy_no n
       left join village_map la on la.seed_id = p.lead_area_id and la.c = ${vc('n.c')}
       left join village_map pa on pa.seed_id = p.partner_area_id and pa.c = ${vc('n.c')}
       left join enterprise_map le on le.seed_id = p.lead_enterprise_id and le.c = n.c
       left join enterprise_map pe on pe.seed_id = p.partner_enterprise_id and pe.c = n.c
       where p.code not like '%~%'
       order by n.c, p.id`,
    );
    await client.query(`create temp table pairing_map on commit drop as
      select p.id as seed_id, n.c, x.id as new_id from pairing p cross join copy_no n
      join pairing x on x.code = p.code || '~' || n.c where p.code not like '%~%'`);
    await client.query('create index on pairing_map (seed_id, c)');

    await step(
      'collective incomes',
      `insert into collective_income (source, created_at, updated_at, village_id, year, operating_income, business_income, contracting_income, investment_income, subsidy_income, other_income)
       select i.source, now(), now(), m.new_id, i.year, i.operating_income, i.business_income, i.contracting_income, i.investment_income, i.subsidy_income, i.other_income
       from collective_income i join village_map m on m.seed_id = i.village_id
       order by m.c, i.id`,
    );
    await step(
      'workshops',
      `insert into workshop (source, created_at, updated_at, name, type, village_id, host_enterprise_id, opened_on, jobs_created, low_income_jobs, income_gain_per_person)
       select w.source, now(), now(), w.name, w.type, m.new_id, coalesce(e.new_id, w.host_enterprise_id), w.opened_on, w.jobs_created, w.low_income_jobs, w.income_gain_per_person
       from workshop w join village_map m on m.seed_id = w.village_id
       left join enterprise_map e on e.seed_id = w.host_enterprise_id and e.c = m.c
       order by m.c, w.id`,
    );

    // Projects: generated number g is copy 1 + g / S of seed project g % S (S seed projects).
    await step(
      `projects (${generated})`,
      `insert into project (source, created_at, updated_at, code, name, sector, host_id, pairing_id, signed_amount, signed_on)
       select sp.source, now(), now(), sp.code || '~' || x.c, sp.name || '·' || x.c, sp.sector,
         coalesce(h.new_id, sp.host_id), pm.new_id,
         round(sp.signed_amount * (1000 + (x.c * 37 + sp.id) % 21 - 10) / 1000, 2), sp.signed_on
       from generate_series(0, $1::int - 1) g
       cross join lateral (select 1 + g / $2::int as c) x
       join seed_project sp on sp.ord = g % $2::int
       left join village_map h on h.seed_id = sp.host_id and h.c = ${vc('x.c')}
       left join pairing_map pm on pm.seed_id = sp.pairing_id and pm.c = x.c
       order by g`,
      [generated, seed.project],
    );
    await client.query(`create temp table project_map on commit drop as
      select sp.id as seed_id, x.id as new_id, split_part(x.code, '~', 2)::int as c
      from project x join seed_project sp on split_part(x.code, '~', 1) = sp.code
      where x.code like '%~%'`);
    await client.query('create index on project_map (seed_id)');
    await step(
      'project investors',
      `insert into project_investor (project_id, enterprise_id)
       select m.new_id, coalesce(e.new_id, i.enterprise_id)
       from project_map m join project_investor i on i.project_id = m.seed_id
       left join enterprise_map e on e.seed_id = i.enterprise_id and e.c = m.c
       order by m.new_id, i.id`,
    );
    await step(
      'project stages',
      `insert into project_stage (project_id, stage, reached_on)
       select m.new_id, s.stage, s.reached_on from project_map m join project_stage s on s.project_id = m.seed_id
       order by m.new_id, s.id`,
    );
    await client.query('commit');

    // Fund flows, in chunks of projects, in one transaction: flow k of a project is LANDED when k % 5 is 1 or 3.
    if (generated > 0) {
      await client.query('begin');
      const { rows } = await client.query(`select min(id)::int as lo, max(id)::int as hi from project where code like '%~%'`);
      const { lo, hi } = rows[0] as { lo: number; hi: number };
      let done = 0;
      const t = Date.now();
      for (let from = lo; from <= hi; from += FLOW_CHUNK_PROJECTS) {
        const res = await client.query(
          `insert into fund_flow (source, created_at, updated_at, project_id, reference, kind, amount, occurred_on)
           select p.source, now(), now(), p.id, 'F-' || k, f.kind,
             case when f.kind = 'LANDED' then round(p.signed_amount / (2 * $3::int), 2) else round(p.signed_amount / $3::int, 2) end + 0.01 * (k + 1),
             p.signed_on + 30 * k
           from project p
           cross join lateral generate_series(0, $3::int - 1 + case when p.id - $4::int < $5::int then 1 else 0 end) k
           cross join lateral (select case when k % 5 in (1, 3) then 'LANDED' else 'COMMITMENT' end as kind) f
           where p.id between $1::int and $2::int and p.code like '%~%'
           order by p.id, k`,
          [from, Math.min(hi, from + FLOW_CHUNK_PROJECTS - 1), perProject, lo, extra],
        );
        done += res.rowCount ?? 0;
        if (from + FLOW_CHUNK_PROJECTS > hi) opts.onStep?.(`fund flows (${done})`, (Date.now() - t) / 1000);
        log(`fund flows: ${done} of ${flows} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
      }
      await step('commit of the fund flows (the rollups recomputed once)', 'commit');
    }
    if (opts.bulk) {
      for (const table of BULK_TABLES) await client.query(`alter table "${table}" enable trigger user`);
      const t = Date.now();
      // Note: the rebuild's own connection, with room for its aggregations over every fund flow.
      const url = new URL(ownerUrl);
      url.searchParams.set('options', '-c work_mem=512MB');
      const rebuilt = await rebuildRollups(url.toString());
      opts.onStep?.('rollups rebuilt', (Date.now() - t) / 1000);
      log(`rollups rebuilt in ${((Date.now() - t) / 1000).toFixed(1)} s: ${rebuilt.map((r) => `${r.rows} ${r.table}`).join(', ')}`);
    }
    const t = Date.now();
    await client.query('vacuum analyze');
    opts.onStep?.('vacuum analyze', (Date.now() - t) / 1000);
    log(`vacuum analyze: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    return await countRows(client);
  } catch (e) {
    await client.query('rollback').catch(() => {});
    if (opts.bulk) for (const table of BULK_TABLES) await client.query(`alter table "${table}" enable trigger user`).catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
}
