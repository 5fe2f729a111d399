import { Migration } from '@mikro-orm/migrations';

const programmeCode = (col: string) => `coalesce((select p.code from programme p where p.id = r.${col}), '#' || r.${col})`;
const indicatorCode = (col: string) => `coalesce((select i.code from indicator i where i.id = r.${col}), '#' || r.${col})`;
const areaCode = (col: string) => `coalesce((select a.code from area a where a.id = r.${col}), '#' || r.${col})`;

/** The tables of this migration that the audit log follows, as in Migration20261201030000_access. */
const AUDITED: { table: string; kind: string; key: string }[] = [
  { table: 'programme', kind: 'Programme', key: 'r.code' },
  { table: 'programme_document', kind: 'ProgrammeDocument', key: `${programmeCode('programme_id')} || '/' || r.title` },
  { table: 'programme_event', kind: 'ProgrammeEvent', key: `${programmeCode('programme_id')} || '/' || r.occurred_on || '/' || r.title` },
  { table: 'indicator', kind: 'Indicator', key: 'r.code' },
  { table: 'indicator_value', kind: 'IndicatorValue', key: `${indicatorCode('indicator_id')} || '/' || ${areaCode('area_id')} || '/' || r.period` },
];

/** Programmes (计划/机制) with their documents and events, monitoring indicators and their values (issue 12). */
export class Migration20261201070000_indicators extends Migration {
  override async up(): Promise<void> {
    this
      .addSql(`create table "programme" ("id" serial primary key, "source" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null,
      "code" text not null, "name_zh" text not null, "name_en" text not null,
      "kind" text check ("kind" in ('PLAN', 'MECHANISM', 'PILOT', 'PLATFORM', 'POLICY')) not null,
      "lead_area_id" int null, "lead_body" text null, "started_on" date null);`);
    this.addSql(`alter table "programme" add constraint "programme_code_unique" unique ("code");`);
    this.addSql(`create index "programme_lead_area_id_index" on "programme" ("lead_area_id");`);
    this.addSql(`create index "programme_code_id_index" on "programme" (code, id);`);
    this.addSql(
      `alter table "programme" add constraint "programme_lead_area_id_foreign" foreign key ("lead_area_id") references "area" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `create table "programme_document" ("id" serial primary key, "programme_id" int not null, "title" text not null, "issued_on" date null, "source" text not null);`,
    );
    this.addSql(`alter table "programme_document" add constraint "programme_document_title_unique" unique ("programme_id", "title");`);
    this.addSql(
      `alter table "programme_document" add constraint "programme_document_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `create table "programme_event" ("id" serial primary key, "programme_id" int not null, "occurred_on" date not null, "title" text not null, "source" text not null);`,
    );
    this.addSql(`alter table "programme_event" add constraint "programme_event_unique" unique ("programme_id", "occurred_on", "title");`);
    this.addSql(
      `alter table "programme_event" add constraint "programme_event_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`,
    );

    this
      .addSql(`create table "indicator" ("id" serial primary key, "source" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null,
      "code" text not null, "name_zh" text not null, "name_en" text not null,
      "unit" text check ("unit" in ('REN', 'MING', 'JIA', 'GE', 'YUAN', 'PERCENT')) not null,
      "measure" text check ("measure" in ('STOCK', 'FLOW')) not null,
      "additive" boolean not null default false, "parent_id" int null, "breakdown_complete" boolean not null default false,
      "programme_id" int null, "note" text null,
      constraint indicator_not_own_parent check (parent_id IS NULL OR parent_id <> id));`);
    this.addSql(`alter table "indicator" add constraint "indicator_code_unique" unique ("code");`);
    this.addSql(`create index "indicator_parent_id_index" on "indicator" ("parent_id");`);
    this.addSql(`create index "indicator_programme_id_index" on "indicator" ("programme_id");`);
    this.addSql(`create index "indicator_code_id_index" on "indicator" (code, id);`);
    this.addSql(
      `alter table "indicator" add constraint "indicator_parent_id_foreign" foreign key ("parent_id") references "indicator" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "indicator" add constraint "indicator_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete restrict;`,
    );

    this
      .addSql(`create table "indicator_value" ("id" serial primary key, "source" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null,
      "indicator_id" int not null, "area_id" int not null, "period" text not null,
      "period_kind" text check ("period_kind" in ('YEAR', 'QUARTER', 'MONTH', 'DATE')) not null,
      "period_start" date not null, "period_end" date not null, "value" numeric(24,2) not null,
      "qualifier" text check ("qualifier" in ('EXACT', 'AT_LEAST', 'APPROXIMATELY')) not null default 'EXACT',
      "qualifier_word" text null, "derived" boolean not null default false, "derivation" text null, "items" text[] not null default '{}',
      constraint indicator_value_period_order check (period_start <= period_end),
      constraint indicator_value_qualifier_word check ((qualifier = 'EXACT' AND qualifier_word IS NULL) OR (qualifier = 'AT_LEAST' AND qualifier_word IN ('余', '超', '以上', '突破')) OR (qualifier = 'APPROXIMATELY' AND qualifier_word = '约')),
      constraint indicator_value_derivation check (derived = (derivation IS NOT NULL)));`);
    this.addSql(`alter table "indicator_value" add constraint "indicator_value_key_unique" unique ("indicator_id", "area_id", "period");`);
    this.addSql(`create index "indicator_value_area_id_index" on "indicator_value" ("area_id");`);
    this.addSql(`create index "indicator_value_indicator_end_index" on "indicator_value" ("indicator_id", "period_end");`);
    this.addSql(`create index "indicator_value_period_end_id_index" on "indicator_value" (period_end, id);`);
    this.addSql(
      `alter table "indicator_value" add constraint "indicator_value_indicator_id_foreign" foreign key ("indicator_id") references "indicator" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "indicator_value" add constraint "indicator_value_area_id_foreign" foreign key ("area_id") references "area" ("id") on update cascade on delete restrict;`,
    );

    // Pairings, projects and workshops may belong to a programme.
    for (const table of ['pairing', 'project', 'workshop']) {
      this.addSql(`alter table "${table}" add column "programme_id" int null;`);
      this.addSql(`create index "${table}_programme_id_index" on "${table}" ("programme_id");`);
      this.addSql(
        `alter table "${table}" add constraint "${table}_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete restrict;`,
      );
    }

    for (const { table, kind, key } of AUDITED) {
      const fn = `audit_${table}`;
      const cols = `"action", "record_kind", "record_key", "before", "after"`;
      const strip = table.startsWith('programme_') ? '' : ` - 'created_at' - 'updated_at'`;
      this.addSql(`create function "${fn}"() returns trigger language plpgsql as $$
      begin
        if TG_OP = 'INSERT' then
          insert into audit_log (${cols}) select 'INSERT', '${kind}', ${key}, null, to_jsonb(r)${strip} from new_rows r;
        elsif TG_OP = 'DELETE' then
          insert into audit_log (${cols}) select 'DELETE', '${kind}', ${key}, to_jsonb(r)${strip}, null from old_rows r;
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
    for (const { table } of [...AUDITED].reverse()) this.addSql(`drop function if exists "audit_${table}"() cascade;`);
    for (const table of ['pairing', 'project', 'workshop']) this.addSql(`alter table "${table}" drop column if exists "programme_id";`);
    for (const table of ['indicator_value', 'indicator', 'programme_event', 'programme_document', 'programme'])
      this.addSql(`drop table if exists "${table}" cascade;`);
  }
}
