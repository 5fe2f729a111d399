import { Migration } from '@mikro-orm/migrations';

/** Every audited table: the GraphQL record kind it holds and its natural key as text (row alias `r`). */
const projectCode = (col: string) => `coalesce((select p.code from project p where p.id = r.${col}), '#' || r.${col})`;
const areaCode = (col: string) => `coalesce((select a.code from area a where a.id = r.${col}), '#' || r.${col})`;
const creditCode = (col: string) => `coalesce((select e.credit_code from enterprise e where e.id = r.${col}), '#' || r.${col})`;
export const AUDITED_TABLES: { table: string; kind: string; key: string }[] = [
  { table: 'area', kind: 'Area', key: 'r.code' },
  { table: 'enterprise', kind: 'Enterprise', key: 'r.credit_code' },
  { table: 'pairing', kind: 'Pairing', key: 'r.code' },
  { table: 'project', kind: 'Project', key: 'r.code' },
  { table: 'project_stage', kind: 'ProjectStage', key: `${projectCode('project_id')} || '/' || r.stage` },
  { table: 'project_investor', kind: 'ProjectInvestor', key: `${projectCode('project_id')} || '/' || ${creditCode('enterprise_id')}` },
  { table: 'fund_flow', kind: 'FundFlow', key: `${projectCode('project_id')} || '/' || r.kind || '/' || r.occurred_on` },
  { table: 'collective_income', kind: 'CollectiveIncome', key: `${areaCode('village_id')} || '/' || r.year` },
  { table: 'workshop', kind: 'Workshop', key: `${areaCode('village_id')} || '/' || r.name` },
];

/**
 * API keys and the audit trail.
 * Every insert, update and delete of a record table is written to `audit_log` by statement-level
 * triggers in the same transaction, so no write path (GraphQL, import, or SQL by hand) escapes it.
 * Who wrote comes from transaction-local settings (`registry.actor`, …) that the API and the
 * importer set; a write without them is attributed to the database user.
 */
export class Migration20261201030000_access extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "api_key" (
      "id" int generated always as identity primary key,
      "prefix" text not null,
      "hash" text not null unique,
      "role" text not null check ("role" in ('admin', 'editor', 'area', 'partner', 'reader')),
      "area_code" varchar(12),
      "credit_code" varchar(18),
      "label" text not null check (length("label") between 1 and 200),
      "created_at" timestamptz not null default now(),
      "created_by" text not null,
      "last_used_at" timestamptz,
      "expires_at" timestamptz,
      "revoked_at" timestamptz,
      constraint "api_key_scope" check ((("role" = 'area') = ("area_code" is not null)) and (("role" = 'partner') = ("credit_code" is not null)))
    );`);

    this.addSql(`create table "audit_log" (
      "id" bigint generated always as identity primary key,
      "at" timestamptz not null default clock_timestamp(),
      "actor" text not null default coalesce(nullif(current_setting('registry.actor', true), ''), 'db:' || session_user),
      "role" text default nullif(current_setting('registry.role', true), ''),
      "request_id" text default nullif(current_setting('registry.request_id', true), ''),
      "run_id" uuid default nullif(current_setting('registry.run_id', true), '')::uuid,
      "operation" text not null default coalesce(nullif(current_setting('registry.operation', true), ''), 'sql'),
      "action" text not null check ("action" in ('INSERT', 'UPDATE', 'DELETE', 'IMPORT', 'KEY')),
      "record_kind" text,
      "record_key" text,
      "before" jsonb,
      "after" jsonb,
      "details" jsonb
    );`);
    this.addSql(`create index "audit_log_at_index" on "audit_log" ("at", "id");`);
    this.addSql(`create index "audit_log_record_index" on "audit_log" ("record_kind", "record_key", "id");`);
    this.addSql(`create index "audit_log_actor_index" on "audit_log" ("actor", "id");`);
    this.addSql(`create index "audit_log_run_index" on "audit_log" ("run_id") where "run_id" is not null;`);
    // Append-only for everyone, the owner included (a trigger; the API's role also lacks the privileges).
    this.addSql(`create function "audit_log_append_only"() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only' using errcode = '42501'; end $$;`);
    this.addSql(`create trigger "audit_log_no_change" before update or delete on "audit_log" for each row execute function "audit_log_append_only"();`);
    this.addSql(`create trigger "audit_log_no_truncate" before truncate on "audit_log" for each statement execute function "audit_log_append_only"();`);

    this.addSql(`create function "audit_diff"(b jsonb, a jsonb, out "before" jsonb, out "after" jsonb) language sql immutable as $$
      select jsonb_object_agg(k, b -> k), jsonb_object_agg(k, a -> k)
      from jsonb_object_keys(a) k
      where k not in ('created_at', 'updated_at') and (b -> k) is distinct from (a -> k) $$;`);
    for (const { table, kind, key } of AUDITED_TABLES) {
      const fn = `audit_${table}`;
      const cols = `"action", "record_kind", "record_key", "before", "after"`;
      this.addSql(`create function "${fn}"() returns trigger language plpgsql as $$
      begin
        if TG_OP = 'INSERT' then
          insert into audit_log (${cols}) select 'INSERT', '${kind}', ${key}, null, to_jsonb(r) - 'created_at' - 'updated_at' from new_rows r;
        elsif TG_OP = 'DELETE' then
          insert into audit_log (${cols}) select 'DELETE', '${kind}', ${key}, to_jsonb(r) - 'created_at' - 'updated_at', null from old_rows r;
        else
          insert into audit_log (${cols})
          select 'UPDATE', '${kind}', ${key}, d."before", d."after"
          from new_rows r join old_rows o on o.id = r.id cross join lateral audit_diff(to_jsonb(o), to_jsonb(r)) d
          where d."after" is not null;
        end if;
        return null;
      end $$;`);
      this.addSql(`create trigger "${fn}_insert" after insert on "${table}" referencing new table as new_rows for each statement execute function "${fn}"();`);
      this.addSql(
        `create trigger "${fn}_update" after update on "${table}" referencing old table as old_rows new table as new_rows for each statement execute function "${fn}"();`,
      );
      this.addSql(`create trigger "${fn}_delete" after delete on "${table}" referencing old table as old_rows for each statement execute function "${fn}"();`);
    }
  }

  override async down(): Promise<void> {
    for (const { table } of AUDITED_TABLES) {
      for (const op of ['insert', 'update', 'delete']) this.addSql(`drop trigger if exists "audit_${table}_${op}" on "${table}";`);
      this.addSql(`drop function if exists "audit_${table}"();`);
    }
    this.addSql(`drop function if exists "audit_diff"(jsonb, jsonb);`);
    this.addSql(`drop table if exists "audit_log";`);
    this.addSql(`drop function if exists "audit_log_append_only"();`);
    this.addSql(`drop table if exists "api_key";`);
  }
}
