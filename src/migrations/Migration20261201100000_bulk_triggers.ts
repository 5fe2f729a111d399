import { Migration } from '@mikro-orm/migrations';
import { AUDITED_TABLES } from './Migration20261201030000_access.js';

/**
 * `area_ancestry_refresh` made linear in the number of changed areas (issue 13, province size).
 *
 * The first version (Migration20261201061000_rollups) matched the changed areas with
 * `id = any(changed)` (an array scan per row of `area`) and found the top of the changed subtree with
 * `parent_id not in (select id from sub)` over the recursive CTE: both grow with the square of the
 * rows of one statement, so one INSERT of 150,000 villages ran for more than 12 minutes. This version
 * joins the changed ids (`unnest`), collects the subtree with an indexed walk down `parent_id`, and
 * then walks UP from every area of the subtree to its root through `area` itself: at most the
 * tree's depth (5 levels) of hash or index joins per area, no anti-join over a CTE, and no reliance
 * on the ancestors' own rows being up to date (which is what the anti-join was for). The result is
 * the same rows as before: the path from the root, the top-level area (the path's second id), the
 * nearest platform, town and village or community at or above the area, and whether any area on the
 * path is a mountain town. Areas whose walk up never reaches a root (a cycle) get no row, as before.
 *
 * The statement runs through EXECUTE so each call is planned with the number of ids it was given.
 *
 * The second cause, found while testing this: PL/pgSQL plans each static statement of a trigger
 * function once per session and keeps the plan, and a plan that joins the transition tables
 * (`new_rows join old_rows on id`, in every UPDATE branch) keeps the row counts of the FIRST
 * statement the session ran. A session that updated one row first then joins 20,000 old rows with
 * 20,000 new ones in a nested loop (400 million comparisons: 207 s for one UPDATE of 20,000
 * villages in the test). So:
 * - the UPDATE branches of the area-ancestry, fund-flow and project rollup triggers run their join
 *   through EXECUTE (planned on every call with the transition tables' real sizes; a fraction of a
 *   millisecond per statement);
 * - the audit triggers (one function per audited table, whose only join is that one) are planned
 *   with `enable_nestloop = off`: a hash join of old and new rows whatever the estimate (their
 *   per-row `audit_diff` call stays a lateral nested loop, which the setting cannot forbid).
 * The INSERT and DELETE branches join a transition table to an indexed table (project, fund_flow):
 * a stale estimate there costs index lookups, linear in the rows, so they stay static.
 */
const DEFINER = 'language plpgsql security definer set search_path = public, pg_temp';
const ROLLUP_LOCK = 7_370_112;

const OLD_BODY = `
    begin
      perform pg_advisory_xact_lock(${ROLLUP_LOCK});
      if coalesce(cardinality(changed), 0) = 0 then return; end if;
      with recursive sub(id) as (
        select id from area where id = any(changed)
        union
        select a.id from area a join sub s on a.parent_id = s.id
      ),
      walk(id, path, top_id, platform_id, town_id, village_id, mountain) as (
        select a.id, coalesce(pa.path, '{}'::int[]) || a.id,
          case when a.parent_id is null then null when cardinality(pa.path) = 1 then a.id else pa.top_id end,
          case when a.kind = 'PLATFORM' then a.id else pa.platform_id end,
          case when a.kind = 'TOWN' then a.id else pa.town_id end,
          case when a.kind in ('VILLAGE', 'COMMUNITY') then a.id else pa.village_id end,
          a.mountain or coalesce(pa.mountain, false)
        from area a join sub on sub.id = a.id
        left join area_ancestry pa on pa.area_id = a.parent_id
        where a.parent_id is null or a.parent_id not in (select id from sub)
        union all
        select a.id, w.path || a.id,
          case when cardinality(w.path) = 1 then a.id else w.top_id end,
          case when a.kind = 'PLATFORM' then a.id else w.platform_id end,
          case when a.kind = 'TOWN' then a.id else w.town_id end,
          case when a.kind in ('VILLAGE', 'COMMUNITY') then a.id else w.village_id end,
          a.mountain or w.mountain
        from walk w join area a on a.parent_id = w.id
        where a.id <> all(w.path)
      )
      insert into area_ancestry as x (area_id, path, top_id, platform_id, town_id, village_id, mountain)
      select id, path, top_id, platform_id, town_id, village_id, mountain from walk
      on conflict (area_id) do update set path = excluded.path, top_id = excluded.top_id, platform_id = excluded.platform_id,
        town_id = excluded.town_id, village_id = excluded.village_id, mountain = excluded.mountain
      where (x.path, x.top_id, x.platform_id, x.town_id, x.village_id, x.mountain)
        is distinct from (excluded.path, excluded.top_id, excluded.platform_id, excluded.town_id, excluded.village_id, excluded.mountain);
    end`;

/** The nearest area of these kinds at or above the area (the chain is ordered from the area up). */
const nearest = (kinds: string) => `(array_agg(u.anc order by u.depth) filter (where u.kind in (${kinds})))[1]`;

const NEW_BODY = `
    begin
      perform pg_advisory_xact_lock(${ROLLUP_LOCK});
      if coalesce(cardinality(changed), 0) = 0 then return; end if;
      execute $q$
      with recursive sub(id) as (
        select a.id from (select distinct c.id from unnest($1::int[]) as c(id)) c join area a on a.id = c.id
        union
        select a.id from sub s join area a on a.parent_id = s.id
      ),
      up(area_id, anc, kind, mountain, parent_id, depth, seen) as (
        select a.id, a.id, a.kind, a.mountain, a.parent_id, 0, array[a.id] from sub join area a on a.id = sub.id
        union all
        select u.area_id, p.id, p.kind, p.mountain, p.parent_id, u.depth + 1, u.seen || p.id
        from up u join area p on p.id = u.parent_id
        where p.id <> all(u.seen)
      ),
      chain as (
        select u.area_id,
          array_agg(u.anc order by u.depth desc) as path,
          ${nearest(`'PLATFORM'`)} as platform_id,
          ${nearest(`'TOWN'`)} as town_id,
          ${nearest(`'VILLAGE', 'COMMUNITY'`)} as village_id,
          bool_or(u.mountain) as mountain,
          bool_or(u.parent_id is null) as rooted
        from up u group by u.area_id
      )
      insert into area_ancestry as x (area_id, path, top_id, platform_id, town_id, village_id, mountain)
      select area_id, path, path[2], platform_id, town_id, village_id, mountain from chain where rooted
      on conflict (area_id) do update set path = excluded.path, top_id = excluded.top_id, platform_id = excluded.platform_id,
        town_id = excluded.town_id, village_id = excluded.village_id, mountain = excluded.mountain
      where (x.path, x.top_id, x.platform_id, x.town_id, x.village_id, x.mountain)
        is distinct from (excluded.path, excluded.top_id, excluded.platform_id, excluded.town_id, excluded.village_id, excluded.mountain)
      $q$ using changed;
    end`;

/** The audited tables of the access and indicators migrations (one `audit_<table>` function each). */
const AUDIT_FUNCTIONS = [...AUDITED_TABLES.map((t) => t.table), 'programme', 'programme_document', 'programme_event', 'indicator', 'indicator_value'].map(
  (t) => `audit_${t}`,
);

const ANCESTRY_TRIGGER = (dynamic: boolean) => {
  const update = `select area_ancestry_refresh(array(select n.id from new_rows n join old_rows o on o.id = n.id
          where n.parent_id is distinct from o.parent_id or n.kind <> o.kind or n.mountain <> o.mountain))`;
  return `create or replace function "area_ancestry_trigger"() returns trigger language plpgsql as $f$
    begin
      if TG_OP = 'INSERT' then
        perform area_ancestry_refresh(array(select id from new_rows));
      else
        ${dynamic ? `execute $q$${update}$q$;` : `perform ${update.slice('select '.length)};`}
      end if;
      return null;
    end $f$;`;
};

const FUND_TOUCH_INSERT = (rows: string) =>
  `insert into rollup_pending (rollup, host_id, pairing_id, sector, d)
     select distinct 'fund', p.host_id, p.pairing_id, p.sector, r.occurred_on from ${rows} r join project p on p.id = r.project_id;
   perform rollup_mark();`;

const FUND_FLOW_TRIGGER = (dynamic: boolean) => {
  const changed = `(o.project_id, o.kind, o.amount, o.occurred_on) is distinct from (n.project_id, n.kind, n.amount, n.occurred_on)`;
  const update = `insert into rollup_pending (rollup, host_id, pairing_id, sector, d)
        select 'fund', t.host_id, t.pairing_id, t.sector, t.d from (select distinct p.host_id, p.pairing_id, p.sector, r.occurred_on as d
              from (select o.project_id, o.occurred_on from old_rows o join new_rows n on n.id = o.id where ${changed}
                    union all
                    select n.project_id, n.occurred_on from old_rows o join new_rows n on n.id = o.id where ${changed}) r
              join project p on p.id = r.project_id) t`;
  return `create or replace function "fund_flow_rollup_trigger"() returns trigger ${DEFINER} as $f$
    begin
      if TG_OP = 'INSERT' then
        ${FUND_TOUCH_INSERT('new_rows')}
      elsif TG_OP = 'DELETE' then
        ${FUND_TOUCH_INSERT('old_rows')}
      else
        ${dynamic ? `execute $q$${update}$q$;` : `${update};`}
        perform rollup_mark();
      end if;
      return null;
    end $f$;`;
};

const PROJECT_TRIGGER = (dynamic: boolean) => {
  const touch = (rows: string) => `select host_id, pairing_id, sector, signed_on from ${rows}`;
  const perform = (from: string) =>
    `insert into rollup_pending (rollup, host_id, pairing_id, sector, d)
         select distinct 'tier', host_id, pairing_id, sector, month_start(signed_on) from (${from}) r;
       perform rollup_mark();`;
  const moved = `(o.host_id, o.pairing_id, o.sector) is distinct from (n.host_id, n.pairing_id, n.sector)`;
  const update = `insert into rollup_pending (rollup, host_id, pairing_id, sector, d)
        select 'fund', t.host_id, t.pairing_id, t.sector, t.d from (select distinct r.host_id, r.pairing_id, r.sector, f.occurred_on as d
              from (select n.id, o.host_id, o.pairing_id, o.sector from old_rows o join new_rows n on n.id = o.id
                      where ${moved}
                    union all
                    select n.id, n.host_id, n.pairing_id, n.sector from old_rows o join new_rows n on n.id = o.id
                      where ${moved}) r
              join fund_flow f on f.project_id = r.id) t`;
  return `create or replace function "project_rollup_trigger"() returns trigger ${DEFINER} as $f$
    begin
      if TG_OP = 'INSERT' then
        ${perform(touch('new_rows'))}
      elsif TG_OP = 'DELETE' then
        ${perform(touch('old_rows'))}
      else
        ${perform(`${touch('old_rows')} union all ${touch('new_rows')}`)}
        -- funds: a project that moved to another host, pairing or sector moves its flows between rollup keys
        ${dynamic ? `execute $q$${update}$q$;` : `${update};`}
        perform rollup_mark();
      end if;
      return null;
    end $f$;`;
};

export class Migration20261201100000_bulk_triggers extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function "area_ancestry_refresh"(changed int[]) returns void ${DEFINER} as $f$${NEW_BODY} $f$;`);
    this.addSql(ANCESTRY_TRIGGER(true));
    this.addSql(FUND_FLOW_TRIGGER(true));
    this.addSql(PROJECT_TRIGGER(true));
    for (const fn of AUDIT_FUNCTIONS) this.addSql(`alter function "${fn}"() set enable_nestloop = off;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create or replace function "area_ancestry_refresh"(changed int[]) returns void ${DEFINER} as $f$${OLD_BODY} $f$;`);
    this.addSql(ANCESTRY_TRIGGER(false));
    this.addSql(FUND_FLOW_TRIGGER(false));
    this.addSql(PROJECT_TRIGGER(false));
    for (const fn of AUDIT_FUNCTIONS) this.addSql(`alter function "${fn}"() reset enable_nestloop;`);
  }
}
