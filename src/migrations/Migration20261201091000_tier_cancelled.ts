import { Migration } from '@mikro-orm/migrations';

const DEFINER = 'language plpgsql security definer set search_path = public, pg_temp';
/** As in Migration20261201061000_rollups. */
const BULK = `coalesce(nullif(current_setting('registry.rollup_bulk_keys', true), '')::int, 20000)`;
const ROLLUP_LOCK = 7_370_112;

const TIER = (at: string) => `count(*) filter (where p.signed_amount >= ${at}), coalesce(sum(p.signed_amount) filter (where p.signed_amount >= ${at}), 0)`;
const TIERS = `${TIER('100000000')}, ${TIER('1000000000')}, ${TIER('5000000000')}`;
const COLUMNS = 'signed_month, landed_month, cancelled, host_id, pairing_id, sector, projects, total, n_yi_1, s_yi_1, n_yi_10, s_yi_10, n_yi_50, s_yi_50';
/** A project's rollup columns, with its landing and whether it was cancelled (issue 11 §3: `projectTiers` leaves cancelled projects out by default). */
const SELECT = `select month_start(p.signed_on), month_start(l.reached_on), c.project_id is not null, p.host_id, p.pairing_id, p.sector, count(*), sum(p.signed_amount), ${TIERS}`;
const STAGES = `left join project_stage l on l.project_id = p.id and l.stage = 'LANDED' left join project_stage c on c.project_id = p.id and c.stage = 'CANCELLED'`;

/**
 * `tier_rollup` gains the dimension `cancelled` (the project has a CANCELLED stage), so `projectTiers`
 * can leave cancelled projects out (its default) and still be answered from the rollup; a CANCELLED
 * stage added, moved or removed now refreshes its project's keys, as a LANDED one did.
 */
export class Migration20261201091000_tier_cancelled extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "tier_rollup" add column "cancelled" boolean not null default false;`);
    this.addSql(`alter table "tier_rollup" drop constraint "tier_rollup_key";`);
    this.addSql(
      `alter table "tier_rollup" add constraint "tier_rollup_key" unique nulls not distinct ("signed_month", "host_id", "pairing_id", "sector", "landed_month", "cancelled");`,
    );
    this.addSql(`comment on column "tier_rollup"."cancelled" is 'whether the projects behind the row were cancelled (have a CANCELLED stage)';`);
    const keys = `k as (select distinct t.host_id, coalesce(t.pairing_id, 0) as pk, t.sector, t.m
      from unnest($1::int[], $2::int[], $3::text[], $4::date[]) as t(host_id, pairing_id, sector, m))`;
    this.addSql(`create or replace function "tier_rollup_refresh"(t_host int[], t_pairing int[], t_sector text[], t_month date[]) returns void ${DEFINER} as $f$
    begin
      perform pg_advisory_xact_lock(${ROLLUP_LOCK});
      if coalesce(cardinality(t_host), 0) = 0 then return; end if;
      if cardinality(t_host) > ${BULK} then
        delete from tier_rollup;
        insert into tier_rollup (${COLUMNS})
        ${SELECT}
        from project p ${STAGES}
        group by 1, 2, 3, 4, 5, 6;
        return;
      end if;
      execute $q$ with ${keys}
        delete from tier_rollup r using k
        where r.signed_month = k.m and r.host_id = k.host_id and coalesce(r.pairing_id, 0) = k.pk and r.sector = k.sector $q$
        using t_host, t_pairing, t_sector, t_month;
      execute $q$ with ${keys}
        insert into tier_rollup (${COLUMNS})
        ${SELECT}
        from k join project p on p.host_id = k.host_id and p.sector = k.sector and coalesce(p.pairing_id, 0) = k.pk and month_start(p.signed_on) = k.m
        ${STAGES}
        group by 1, 2, 3, 4, 5, 6 $q$
        using t_host, t_pairing, t_sector, t_month;
    end $f$;`);
    const perform = (from: string) =>
      `insert into rollup_pending (rollup, host_id, pairing_id, sector, d)
         select distinct 'tier', host_id, pairing_id, sector, month_start(signed_on) from (${from}) r;
       perform rollup_mark();`;
    const changed = (rows: string) => `select project_id from ${rows} where stage in ('LANDED', 'CANCELLED')`;
    const stagePerform = (from: string) => perform(`select p.host_id, p.pairing_id, p.sector, p.signed_on from project p where p.id in (${from})`);
    this.addSql(`create or replace function "project_stage_rollup_trigger"() returns trigger ${DEFINER} as $f$
    begin
      if TG_OP = 'INSERT' then
        ${stagePerform(changed('new_rows'))}
      elsif TG_OP = 'DELETE' then
        ${stagePerform(changed('old_rows'))}
      else
        ${stagePerform(`${changed('old_rows')} union all ${changed('new_rows')}`)}
      end if;
      return null;
    end $f$;`);
    this.addSql(`delete from tier_rollup;`);
    this.addSql(`insert into tier_rollup (${COLUMNS}) ${SELECT} from project p ${STAGES} group by 1, 2, 3, 4, 5, 6;`);
  }

  override async down(): Promise<void> {
    // Note: the functions of Migration20261201061000_rollups come back with that migration's down and up.
    this.addSql(`delete from tier_rollup where cancelled;`);
    this.addSql(`alter table "tier_rollup" drop constraint "tier_rollup_key";`);
    this.addSql(`alter table "tier_rollup" drop column "cancelled";`);
    this.addSql(
      `alter table "tier_rollup" add constraint "tier_rollup_key" unique nulls not distinct ("signed_month", "host_id", "pairing_id", "sector", "landed_month");`,
    );
  }
}
