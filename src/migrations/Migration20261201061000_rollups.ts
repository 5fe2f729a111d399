import { Migration } from '@mikro-orm/migrations';

/**
 * Materialised area ancestors and the aggregate rollups, maintained by statement-level triggers in
 * the transaction of every write (GraphQL, the importer, SQL typed by hand).
 *
 * Every rollup is a cache of a grouped query over the base tables. A trigger collects the rollup keys
 * a statement touched (from its transition tables) and recomputes exactly those keys from the base
 * tables (delete, then insert the grouped rows), so a rollup row is always what a full recomputation
 * would give; `npm run db:rollups -- --check` proves it on any database. The recomputing functions are
 * SECURITY DEFINER (owned by the owner) so the application role only needs SELECT on the rollups.
 */
const DEFINER = 'language plpgsql security definer set search_path = public, pg_temp';

/**
 * Above this many touched keys (a bulk import, a data migration) a rollup is recomputed whole, with
 * hash joins over the base tables, instead of key by key through the indexes: the planner cannot know
 * how many keys a statement touched, and a nested loop over a million keys would never end.
 * 20,000 unless the setting `registry.rollup_bulk_keys` says otherwise (the tests lower it).
 */
const BULK = `coalesce(nullif(current_setting('registry.rollup_bulk_keys', true), '')::int, 20000)`;

/** Rollup-key columns of a project, of the row alias `p`. */
const FUND_TOUCH_INSERT = (rows: string) =>
  `insert into rollup_pending (rollup, host_id, pairing_id, sector, d)
     select distinct 'fund', p.host_id, p.pairing_id, p.sector, r.occurred_on from ${rows} r join project p on p.id = r.project_id;
   perform rollup_mark();`;

/** Advisory lock key that serialises rollup recomputation (writers of the same keys must not interleave). */
const ROLLUP_LOCK = 7_370_112;

export class Migration20261201061000_rollups extends Migration {
  override async up(): Promise<void> {
    this.pending();
    this.ancestry();
    this.periods();
    this.funds();
    this.tiers();
    this.workshops();
    this.incomes();
    this.truncation();
    // Note: fill everything once through the same functions the triggers use.
    this.addSql(`select area_ancestry_refresh(array(select id from area where parent_id is null));`);
    this.addSql(`select area_ancestry_refresh(array(select id from area a where not exists (select 1 from area_ancestry x where x.area_id = a.id)));`);
    this.addSql(`select fund_rollup_refresh(array_agg(t.host_id), array_agg(t.pairing_id), array_agg(t.sector), array_agg(t.d))
      from (select distinct p.host_id, p.pairing_id, p.sector, f.occurred_on as d from fund_flow f join project p on p.id = f.project_id) t;`);
    this.addSql(`select tier_rollup_refresh(array_agg(t.host_id), array_agg(t.pairing_id), array_agg(t.sector), array_agg(t.m))
      from (select distinct host_id, pairing_id, sector, month_start(signed_on) as m from project) t;`);
    this.addSql(`select workshop_rollup_refresh(array_agg(t.village_id), array_agg(t.type), array_agg(t.host), array_agg(t.y))
      from (select distinct village_id, type, host_enterprise_id as host, extract(year from opened_on)::int as y from workshop) t;`);
    this.addSql(`select income_rollup_refresh(array_agg(t.village_id), array_agg(t.year))
      from (select village_id, year from collective_income union select village_id, year + 1 from collective_income) t;`);
  }

  /**
   * Funds and tiers are recomputed once per transaction, at commit: the statement triggers note the
   * keys they touched in `rollup_pending` and mark the transaction in `rollup_dirty`, whose deferred
   * constraint trigger fires once, when the transaction commits, and recomputes every noted key (an
   * import writing in batches of a few thousand rows pays once, not once per batch).
   */
  private pending(): void {
    this.addSql(`create unlogged table "rollup_pending" (
      "xid" xid8 not null default pg_current_xact_id(),
      "rollup" text not null,
      "host_id" int not null,
      "pairing_id" int,
      "sector" text not null,
      "d" date not null
    );`);
    this.addSql(`comment on table "rollup_pending" is 'Rollup keys the current transactions touched, recomputed at their commit (see rollup_flush)';`);
    this.addSql(`create index "rollup_pending_xid_index" on "rollup_pending" ("xid");`);
    this.addSql(`create unlogged table "rollup_dirty" ("xid" xid8 primary key);`);
    this.addSql(`create function "rollup_mark"() returns void ${DEFINER} as $f$
    begin
      insert into rollup_dirty (xid) values (pg_current_xact_id()) on conflict do nothing;
    end $f$;`);
    this.addSql(`create function "rollup_flush"() returns trigger ${DEFINER} as $f$
    begin
      perform fund_rollup_refresh(array_agg(t.host_id), array_agg(t.pairing_id), array_agg(t.sector), array_agg(t.d))
        from (select distinct host_id, pairing_id, sector, d from rollup_pending where xid = new.xid and rollup = 'fund') t;
      perform tier_rollup_refresh(array_agg(t.host_id), array_agg(t.pairing_id), array_agg(t.sector), array_agg(t.d))
        from (select distinct host_id, pairing_id, sector, d from rollup_pending where xid = new.xid and rollup = 'tier') t;
      delete from rollup_pending where xid = new.xid;
      delete from rollup_dirty where xid = new.xid;
      return null;
    end $f$;`);
    this.addSql(
      `create constraint trigger "rollup_flush_at_commit" after insert on "rollup_dirty" deferrable initially deferred for each row execute function "rollup_flush"();`,
    );
  }

  /** `area_ancestry`: for every area its path from the root and its ancestors at each level. */
  private ancestry(): void {
    this.addSql(`create table "area_ancestry" (
      "area_id" int primary key references "area" ("id") on update cascade on delete cascade,
      "path" int[] not null,
      "top_id" int,
      "platform_id" int,
      "town_id" int,
      "village_id" int,
      "mountain" boolean not null
    );`);
    this.addSql(
      `comment on table "area_ancestry" is 'Materialised ancestors of every area (path = ids from the root down to the area itself), maintained by triggers on area';`,
    );
    // Note: "in the subtree of these areas" is `path && array[ids]`, a GIN index lookup.
    this.addSql(`create index "area_ancestry_path_index" on "area_ancestry" using gin ("path");`);
    this.addSql(`create index "area_ancestry_mountain_index" on "area_ancestry" ("area_id") where "mountain";`);
    this.addSql(`create function "area_ancestry_refresh"(changed int[]) returns void ${DEFINER} as $f$
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
    end $f$;`);
    this.addSql(`create function "area_ancestry_trigger"() returns trigger language plpgsql as $f$
    begin
      if TG_OP = 'INSERT' then
        perform area_ancestry_refresh(array(select id from new_rows));
      else
        perform area_ancestry_refresh(array(select n.id from new_rows n join old_rows o on o.id = n.id
          where n.parent_id is distinct from o.parent_id or n.kind <> o.kind or n.mountain <> o.mountain));
      end if;
      return null;
    end $f$;`);
    this.addSql(
      `create trigger "area_ancestry_insert" after insert on "area" referencing new table as new_rows for each statement execute function "area_ancestry_trigger"();`,
    );
    this.addSql(
      `create trigger "area_ancestry_update" after update on "area" referencing old table as old_rows new table as new_rows for each statement execute function "area_ancestry_trigger"();`,
    );
  }

  /** Period helpers: the first day of the month, quarter or year of a day (`A`: all time, -infinity). */
  private periods(): void {
    this.addSql(`create function "month_start"(d date) returns date language sql immutable parallel safe as $f$
      select make_date(extract(year from d)::int, extract(month from d)::int, 1) $f$;`);
    this.addSql(`create function "rollup_period"(grain text, d date) returns date language sql immutable parallel safe as $f$
      select case grain
        when 'M' then make_date(extract(year from d)::int, extract(month from d)::int, 1)
        when 'Q' then make_date(extract(year from d)::int, extract(quarter from d)::int * 3 - 2, 1)
        when 'Y' then make_date(extract(year from d)::int, 1, 1)
        else '-infinity'::date end $f$;`);
  }

  /**
   * `fund_rollup`: fund flows per host area × pairing × sector × period, at four grains (month,
   * quarter, year, all time), with sums, flow counts and the exact number of distinct projects.
   */
  private funds(): void {
    this.addSql(`create table "fund_rollup" (
      "grain" char(1) not null check ("grain" in ('M', 'Q', 'Y', 'A')),
      "period" date not null,
      "host_id" int not null,
      "pairing_id" int,
      "sector" text not null,
      "committed" numeric(24,2) not null,
      "landed" numeric(24,2) not null,
      "committed_flows" int not null,
      "landed_flows" int not null,
      "projects" int not null,
      "committed_projects" int not null,
      "landed_projects" int not null,
      constraint "fund_rollup_key" unique nulls not distinct ("grain", "period", "host_id", "pairing_id", "sector")
    );`);
    this.addSql(
      `comment on table "fund_rollup" is 'Fund flows per host area, pairing, sector and month/quarter/year/all time (grain M/Q/Y/A), maintained by triggers; see npm run db:rollups';`,
    );
    this.addSql(`create index "fund_rollup_host_index" on "fund_rollup" ("host_id");`);
    // Note: the projects of one rollup cell (host, sector, pairing), for the recomputation of a few keys.
    this.addSql(`create index "project_rollup_cell_index" on "project" ("host_id", "sector", (coalesce("pairing_id", 0)));`);
    const keys = `t as (select * from unnest($1::int[], $2::int[], $3::text[], $4::date[]) as t(host_id, pairing_id, sector, d)),
        k as (select distinct t.host_id, coalesce(t.pairing_id, 0) as pk, t.sector, g.grain, rollup_period(g.grain, t.d) as period
              from t cross join (values ('M'), ('Q'), ('Y'), ('A')) g(grain))`;
    this.addSql(`create function "fund_rollup_refresh"(t_host int[], t_pairing int[], t_sector text[], t_day date[]) returns void ${DEFINER} as $f$
    begin
      perform pg_advisory_xact_lock(${ROLLUP_LOCK});
      if coalesce(cardinality(t_host), 0) = 0 then return; end if;
      if cardinality(t_host) > ${BULK} then
        delete from fund_rollup;
        -- Note: per project and period first, then per cell: two hash aggregations instead of sorting for count(distinct).
        insert into fund_rollup (grain, period, host_id, pairing_id, sector, committed, landed, committed_flows, landed_flows, projects, committed_projects, landed_projects)
        select grain, period, host_id, pairing_id, sector, sum(c), sum(l), sum(cf), sum(lf), count(*), count(*) filter (where cf > 0), count(*) filter (where lf > 0)
        from (
          select g.grain, rollup_period(g.grain, f.occurred_on) as period, p.host_id, p.pairing_id, p.sector, f.project_id,
            coalesce(sum(f.amount) filter (where f.kind = 'COMMITMENT'), 0) as c, coalesce(sum(f.amount) filter (where f.kind = 'LANDED'), 0) as l,
            count(*) filter (where f.kind = 'COMMITMENT') as cf, count(*) filter (where f.kind = 'LANDED') as lf
          from fund_flow f join project p on p.id = f.project_id cross join (values ('M'), ('Q'), ('Y'), ('A')) g(grain)
          group by 1, 2, 3, 4, 5, 6
        ) per_project
        group by 1, 2, 3, 4, 5;
        return;
      end if;
      execute $q$ with ${keys}
        delete from fund_rollup r using k
        where r.grain = k.grain and r.period = k.period and r.host_id = k.host_id and coalesce(r.pairing_id, 0) = k.pk and r.sector = k.sector $q$
        using t_host, t_pairing, t_sector, t_day;
      execute $q$ with ${keys},
        c as (select distinct host_id, pk, sector from k)
        insert into fund_rollup (grain, period, host_id, pairing_id, sector, committed, landed, committed_flows, landed_flows, projects, committed_projects, landed_projects)
        select g.grain, rollup_period(g.grain, f.occurred_on), p.host_id, p.pairing_id, p.sector,
          coalesce(sum(f.amount) filter (where f.kind = 'COMMITMENT'), 0), coalesce(sum(f.amount) filter (where f.kind = 'LANDED'), 0),
          count(*) filter (where f.kind = 'COMMITMENT'), count(*) filter (where f.kind = 'LANDED'),
          count(distinct f.project_id), count(distinct f.project_id) filter (where f.kind = 'COMMITMENT'),
          count(distinct f.project_id) filter (where f.kind = 'LANDED')
        from c join project p on p.host_id = c.host_id and p.sector = c.sector and coalesce(p.pairing_id, 0) = c.pk
        join fund_flow f on f.project_id = p.id
        cross join (values ('M'), ('Q'), ('Y'), ('A')) g(grain)
        where exists (select 1 from k where k.grain = g.grain and k.period = rollup_period(g.grain, f.occurred_on)
          and k.host_id = c.host_id and k.pk = c.pk and k.sector = c.sector)
        group by 1, 2, 3, 4, 5 $q$
        using t_host, t_pairing, t_sector, t_day;
    end $f$;`);
    const changed = `(o.project_id, o.kind, o.amount, o.occurred_on) is distinct from (n.project_id, n.kind, n.amount, n.occurred_on)`;
    this.addSql(`create function "fund_flow_rollup_trigger"() returns trigger ${DEFINER} as $f$
    begin
      if TG_OP = 'INSERT' then
        ${FUND_TOUCH_INSERT('new_rows')}
      elsif TG_OP = 'DELETE' then
        ${FUND_TOUCH_INSERT('old_rows')}
      else
        insert into rollup_pending (rollup, host_id, pairing_id, sector, d)
        select 'fund', t.host_id, t.pairing_id, t.sector, t.d from (select distinct p.host_id, p.pairing_id, p.sector, r.occurred_on as d
              from (select o.project_id, o.occurred_on from old_rows o join new_rows n on n.id = o.id where ${changed}
                    union all
                    select n.project_id, n.occurred_on from old_rows o join new_rows n on n.id = o.id where ${changed}) r
              join project p on p.id = r.project_id) t;
        perform rollup_mark();
      end if;
      return null;
    end $f$;`);
    for (const op of ['insert', 'update', 'delete']) {
      const ref = op === 'insert' ? 'new table as new_rows' : op === 'delete' ? 'old table as old_rows' : 'old table as old_rows new table as new_rows';
      this.addSql(
        `create trigger "fund_flow_rollup_${op}" after ${op} on "fund_flow" referencing ${ref} for each statement execute function "fund_flow_rollup_trigger"();`,
      );
    }
  }

  /**
   * `tier_rollup`: projects per host area × pairing × sector × signing month × landing month, with
   * their number and signed amount in all and at or above each reported tier threshold. Additive
   * (one row per project), so any whole-month period sums months.
   */
  private tiers(): void {
    this.addSql(`create table "tier_rollup" (
      "signed_month" date not null,
      "landed_month" date,
      "host_id" int not null,
      "pairing_id" int,
      "sector" text not null,
      "projects" int not null,
      "total" numeric(24,2) not null,
      "n_yi_1" int not null, "s_yi_1" numeric(24,2) not null,
      "n_yi_10" int not null, "s_yi_10" numeric(24,2) not null,
      "n_yi_50" int not null, "s_yi_50" numeric(24,2) not null,
      constraint "tier_rollup_key" unique nulls not distinct ("signed_month", "host_id", "pairing_id", "sector", "landed_month")
    );`);
    this.addSql(
      `comment on table "tier_rollup" is 'Projects per host area, pairing, sector, signing month and landing month with counts and sums per tier threshold, maintained by triggers; see npm run db:rollups';`,
    );
    this.addSql(`create index "tier_rollup_landed_index" on "tier_rollup" ("landed_month") where "landed_month" is not null;`);
    this.addSql(`create index "tier_rollup_host_index" on "tier_rollup" ("host_id");`);
    const keys = `k as (select distinct t.host_id, coalesce(t.pairing_id, 0) as pk, t.sector, t.m
      from unnest($1::int[], $2::int[], $3::text[], $4::date[]) as t(host_id, pairing_id, sector, m))`;
    const tier = (n: string, s: string, at: string) =>
      `count(*) filter (where p.signed_amount >= ${at}), coalesce(sum(p.signed_amount) filter (where p.signed_amount >= ${at}), 0)`;
    this.addSql(`create function "tier_rollup_refresh"(t_host int[], t_pairing int[], t_sector text[], t_month date[]) returns void ${DEFINER} as $f$
    begin
      perform pg_advisory_xact_lock(${ROLLUP_LOCK});
      if coalesce(cardinality(t_host), 0) = 0 then return; end if;
      if cardinality(t_host) > ${BULK} then
        delete from tier_rollup;
        insert into tier_rollup (signed_month, landed_month, host_id, pairing_id, sector, projects, total, n_yi_1, s_yi_1, n_yi_10, s_yi_10, n_yi_50, s_yi_50)
        select month_start(p.signed_on), month_start(l.reached_on), p.host_id, p.pairing_id, p.sector, count(*), sum(p.signed_amount),
          ${tier('n_yi_1', 's_yi_1', '100000000')}, ${tier('n_yi_10', 's_yi_10', '1000000000')}, ${tier('n_yi_50', 's_yi_50', '5000000000')}
        from project p left join project_stage l on l.project_id = p.id and l.stage = 'LANDED'
        group by 1, 2, 3, 4, 5;
        return;
      end if;
      execute $q$ with ${keys}
        delete from tier_rollup r using k
        where r.signed_month = k.m and r.host_id = k.host_id and coalesce(r.pairing_id, 0) = k.pk and r.sector = k.sector $q$
        using t_host, t_pairing, t_sector, t_month;
      execute $q$ with ${keys}
        insert into tier_rollup (signed_month, landed_month, host_id, pairing_id, sector, projects, total, n_yi_1, s_yi_1, n_yi_10, s_yi_10, n_yi_50, s_yi_50)
        select month_start(p.signed_on), month_start(l.reached_on), p.host_id, p.pairing_id, p.sector, count(*), sum(p.signed_amount),
          ${tier('n_yi_1', 's_yi_1', '100000000')}, ${tier('n_yi_10', 's_yi_10', '1000000000')}, ${tier('n_yi_50', 's_yi_50', '5000000000')}
        from k join project p on p.host_id = k.host_id and p.sector = k.sector and coalesce(p.pairing_id, 0) = k.pk and month_start(p.signed_on) = k.m
        left join project_stage l on l.project_id = p.id and l.stage = 'LANDED'
        group by 1, 2, 3, 4, 5 $q$
        using t_host, t_pairing, t_sector, t_month;
    end $f$;`);
    const touch = (rows: string) => `select host_id, pairing_id, sector, signed_on from ${rows}`;
    const perform = (from: string) =>
      `insert into rollup_pending (rollup, host_id, pairing_id, sector, d)
         select distinct 'tier', host_id, pairing_id, sector, month_start(signed_on) from (${from}) r;
       perform rollup_mark();`;
    this.addSql(`create function "project_rollup_trigger"() returns trigger ${DEFINER} as $f$
    begin
      if TG_OP = 'INSERT' then
        ${perform(touch('new_rows'))}
      elsif TG_OP = 'DELETE' then
        ${perform(touch('old_rows'))}
      else
        ${perform(`${touch('old_rows')} union all ${touch('new_rows')}`)}
        -- funds: a project that moved to another host, pairing or sector moves its flows between rollup keys
        insert into rollup_pending (rollup, host_id, pairing_id, sector, d)
        select 'fund', t.host_id, t.pairing_id, t.sector, t.d from (select distinct r.host_id, r.pairing_id, r.sector, f.occurred_on as d
              from (select n.id, o.host_id, o.pairing_id, o.sector from old_rows o join new_rows n on n.id = o.id
                      where (o.host_id, o.pairing_id, o.sector) is distinct from (n.host_id, n.pairing_id, n.sector)
                    union all
                    select n.id, n.host_id, n.pairing_id, n.sector from old_rows o join new_rows n on n.id = o.id
                      where (o.host_id, o.pairing_id, o.sector) is distinct from (n.host_id, n.pairing_id, n.sector)) r
              join fund_flow f on f.project_id = r.id) t;
        perform rollup_mark();
      end if;
      return null;
    end $f$;`);
    for (const op of ['insert', 'update', 'delete']) {
      const ref = op === 'insert' ? 'new table as new_rows' : op === 'delete' ? 'old table as old_rows' : 'old table as old_rows new table as new_rows';
      this.addSql(
        `create trigger "project_rollup_${op}" after ${op} on "project" referencing ${ref} for each statement execute function "project_rollup_trigger"();`,
      );
    }
    // A landing (stage LANDED) added, moved or removed changes the landing month of its project.
    const landed = (rows: string) => `select project_id from ${rows} where stage = 'LANDED'`;
    const stagePerform = (from: string) => perform(`select p.host_id, p.pairing_id, p.sector, p.signed_on from project p where p.id in (${from})`);
    this.addSql(`create function "project_stage_rollup_trigger"() returns trigger ${DEFINER} as $f$
    begin
      if TG_OP = 'INSERT' then
        ${stagePerform(landed('new_rows'))}
      elsif TG_OP = 'DELETE' then
        ${stagePerform(landed('old_rows'))}
      else
        ${stagePerform(`${landed('old_rows')} union all ${landed('new_rows')}`)}
      end if;
      return null;
    end $f$;`);
    for (const op of ['insert', 'update', 'delete']) {
      const ref = op === 'insert' ? 'new table as new_rows' : op === 'delete' ? 'old table as old_rows' : 'old table as old_rows new table as new_rows';
      this.addSql(
        `create trigger "project_stage_rollup_${op}" after ${op} on "project_stage" referencing ${ref} for each statement execute function "project_stage_rollup_trigger"();`,
      );
    }
  }

  /** `workshop_rollup`: workshops per village × type × host enterprise × opening year. */
  private workshops(): void {
    this.addSql(`create table "workshop_rollup" (
      "village_id" int not null,
      "type" text not null,
      "host_enterprise_id" int,
      "opened_year" int,
      "workshops" int not null,
      "jobs" bigint not null,
      "low_income" bigint not null,
      "weighted_gain" numeric(30,2) not null,
      "reporting_jobs" bigint not null,
      constraint "workshop_rollup_key" unique nulls not distinct ("village_id", "type", "host_enterprise_id", "opened_year")
    );`);
    this.addSql(
      `comment on table "workshop_rollup" is 'Workshops per village, type, host enterprise and opening year, maintained by triggers; see npm run db:rollups';`,
    );
    const keys = `k as (select distinct t.village_id, t.type, coalesce(t.host, 0) as hk, coalesce(t.y, 0) as yk
      from unnest($1::int[], $2::text[], $3::int[], $4::int[]) as t(village_id, type, host, y))`;
    this.addSql(`create function "workshop_rollup_refresh"(t_village int[], t_type text[], t_host int[], t_year int[]) returns void ${DEFINER} as $f$
    begin
      perform pg_advisory_xact_lock(${ROLLUP_LOCK});
      if coalesce(cardinality(t_village), 0) = 0 then return; end if;
      execute $q$ with ${keys}
        delete from workshop_rollup r using k
        where r.village_id = k.village_id and r.type = k.type and coalesce(r.host_enterprise_id, 0) = k.hk and coalesce(r.opened_year, 0) = k.yk $q$
        using t_village, t_type, t_host, t_year;
      execute $q$ with ${keys}
        insert into workshop_rollup (village_id, type, host_enterprise_id, opened_year, workshops, jobs, low_income, weighted_gain, reporting_jobs)
        select w.village_id, w.type, w.host_enterprise_id, extract(year from w.opened_on)::int, count(*), sum(w.jobs_created), sum(w.low_income_jobs),
          coalesce(sum(w.jobs_created * w.income_gain_per_person), 0), coalesce(sum(w.jobs_created) filter (where w.income_gain_per_person is not null), 0)
        from workshop w
        where exists (select 1 from k where k.village_id = w.village_id and k.type = w.type and k.hk = coalesce(w.host_enterprise_id, 0)
          and k.yk = coalesce(extract(year from w.opened_on)::int, 0))
        group by 1, 2, 3, 4 $q$
        using t_village, t_type, t_host, t_year;
    end $f$;`);
    const perform = (from: string) =>
      `perform workshop_rollup_refresh(array_agg(t.village_id), array_agg(t.type), array_agg(t.host_enterprise_id), array_agg(t.y))
         from (select distinct village_id, type, host_enterprise_id, extract(year from opened_on)::int as y from (${from}) r) t;`;
    const rows = (r: string) => `select village_id, type, host_enterprise_id, opened_on from ${r}`;
    this.triggers('workshop', perform, rows);
  }

  /** `income_rollup`: per village and year its operating income and that of the year before (either may be missing). */
  private incomes(): void {
    this.addSql(`create table "income_rollup" (
      "village_id" int not null,
      "year" int not null,
      "cur" numeric(20,2),
      "prev" numeric(20,2),
      primary key ("village_id", "year")
    );`);
    this.addSql(
      `comment on table "income_rollup" is 'Village collective operating income of a year beside the year before, maintained by triggers; see npm run db:rollups';`,
    );
    this.addSql(`create index "income_rollup_year_index" on "income_rollup" ("year");`);
    const keys = `k as (select distinct t.village_id, t.year from unnest($1::int[], $2::int[]) as t(village_id, year))`;
    this.addSql(`create function "income_rollup_refresh"(t_village int[], t_year int[]) returns void ${DEFINER} as $f$
    begin
      perform pg_advisory_xact_lock(${ROLLUP_LOCK});
      if coalesce(cardinality(t_village), 0) = 0 then return; end if;
      execute $q$ with ${keys}
        delete from income_rollup r using k where r.village_id = k.village_id and r.year = k.year $q$ using t_village, t_year;
      execute $q$ with ${keys}
        insert into income_rollup (village_id, year, cur, prev)
        select k.village_id, k.year, cur.operating_income, prev.operating_income from k
        left join collective_income cur on cur.village_id = k.village_id and cur.year = k.year
        left join collective_income prev on prev.village_id = k.village_id and prev.year = k.year - 1
        where cur.id is not null or prev.id is not null $q$ using t_village, t_year;
    end $f$;`);
    const perform = (from: string) =>
      `perform income_rollup_refresh(array_agg(t.village_id), array_agg(t.year))
         from (select distinct village_id, y as year from (${from}) r cross join lateral (values (r.year), (r.year + 1)) v(y)) t;`;
    const rows = (r: string) => `select village_id, year from ${r}`;
    this.triggers('collective_income', perform, rows);
  }

  /** A base table emptied by TRUNCATE (which fires no row or delete triggers) empties its rollup. */
  private truncation(): void {
    this.addSql(`create function "rollup_truncate_trigger"() returns trigger ${DEFINER} as $f$
    begin
      case TG_TABLE_NAME
        when 'fund_flow' then truncate fund_rollup;
        when 'project' then truncate tier_rollup;
        when 'workshop' then truncate workshop_rollup;
        when 'collective_income' then truncate income_rollup;
      end case;
      return null;
    end $f$;`);
    for (const table of ['fund_flow', 'project', 'workshop', 'collective_income']) {
      this.addSql(`create trigger "${table}_rollup_truncate" after truncate on "${table}" for each statement execute function "rollup_truncate_trigger"();`);
    }
  }

  /** Insert, update and delete triggers of `table` that refresh the keys of the rows before and after. */
  private triggers(table: string, perform: (from: string) => string, rows: (r: string) => string): void {
    this.addSql(`create function "${table}_rollup_trigger"() returns trigger language plpgsql as $f$
    begin
      if TG_OP = 'INSERT' then
        ${perform(rows('new_rows'))}
      elsif TG_OP = 'DELETE' then
        ${perform(rows('old_rows'))}
      else
        ${perform(`${rows('old_rows')} union all ${rows('new_rows')}`)}
      end if;
      return null;
    end $f$;`);
    for (const op of ['insert', 'update', 'delete']) {
      const ref = op === 'insert' ? 'new table as new_rows' : op === 'delete' ? 'old table as old_rows' : 'old table as old_rows new table as new_rows';
      this.addSql(
        `create trigger "${table}_rollup_${op}" after ${op} on "${table}" referencing ${ref} for each statement execute function "${table}_rollup_trigger"();`,
      );
    }
  }

  override async down(): Promise<void> {
    for (const [table, fn] of [
      ['area', 'area_ancestry'],
      ['fund_flow', 'fund_flow_rollup'],
      ['project', 'project_rollup'],
      ['project_stage', 'project_stage_rollup'],
      ['workshop', 'workshop_rollup'],
      ['collective_income', 'collective_income_rollup'],
    ]) {
      for (const op of ['insert', 'update', 'delete', 'truncate']) this.addSql(`drop trigger if exists "${fn}_${op}" on "${table}";`);
      this.addSql(`drop function if exists "${fn}_trigger"();`);
    }
    this.addSql(`drop index if exists "project_rollup_cell_index";`);
    this.addSql(`drop table if exists "rollup_dirty";`);
    this.addSql(`drop table if exists "rollup_pending";`);
    this.addSql(`drop function if exists "rollup_flush"();`);
    this.addSql(`drop function if exists "rollup_mark"();`);
    this.addSql(`drop function if exists "rollup_truncate_trigger"();`);
    this.addSql(`drop function if exists "area_ancestry_refresh"(int[]);`);
    this.addSql(`drop function if exists "fund_rollup_refresh"(int[], int[], text[], date[]);`);
    this.addSql(`drop function if exists "tier_rollup_refresh"(int[], int[], text[], date[]);`);
    this.addSql(`drop function if exists "workshop_rollup_refresh"(int[], text[], int[], int[]);`);
    this.addSql(`drop function if exists "income_rollup_refresh"(int[], int[]);`);
    for (const t of ['area_ancestry', 'fund_rollup', 'tier_rollup', 'workshop_rollup', 'income_rollup']) this.addSql(`drop table if exists "${t}";`);
    this.addSql(`drop function if exists "rollup_period"(text, date);`);
    this.addSql(`drop function if exists "month_start"(date);`);
  }
}
