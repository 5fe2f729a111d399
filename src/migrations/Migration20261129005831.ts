import { Migration } from '@mikro-orm/migrations';

export class Migration20261129005831 extends Migration {
  override async up(): Promise<void> {
    // Note: written by hand; rank of a project stage, so "current stage" = the highest-ranked stage reached.
    this.addSql(`create function stage_rank(stage text) returns int language sql immutable parallel safe as $$
      select case stage when 'SIGNED' then 1 when 'LANDED' then 2 when 'STARTED' then 3 when 'OPERATING' then 4 when 'CANCELLED' then 5 end $$;`);
    this.addSql(
      `create table "area" ("id" serial primary key, "source" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "code" varchar(12) not null, "name" text not null, "kind" text check ("kind" in ('DISTRICT', 'PLATFORM', 'TOWN', 'VILLAGE', 'COMMUNITY')) not null, "parent_id" int null, "mountain" boolean not null default false, "scenic_grade" text check ("scenic_grade" in ('NONE', 'GRADE_1A', 'GRADE_2A', 'GRADE_3A', 'GRADE_4A', 'GRADE_5A')) not null default 'NONE', constraint area_parent_required check (kind = 'DISTRICT' OR parent_id IS NOT NULL), constraint area_scenic_is_village check (scenic_grade = 'NONE' OR kind IN ('VILLAGE', 'COMMUNITY')), constraint area_mountain_is_town check (mountain = false OR kind = 'TOWN'), constraint area_code_digits check (code ~ '^[0-9]{6,12}$'));`,
    );
    this.addSql(`alter table "area" add constraint "area_code_unique" unique ("code");`);
    this.addSql(`create index "area_parent_id_index" on "area" ("parent_id");`);

    this.addSql(
      `create table "collective_income" ("id" serial primary key, "source" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "village_id" int not null, "year" int not null, "operating_income" numeric(20,2) not null, "business_income" numeric(20,2) null, "contracting_income" numeric(20,2) null, "investment_income" numeric(20,2) null, "subsidy_income" numeric(20,2) null, "other_income" numeric(20,2) null, constraint collective_income_parts_sum check (business_income IS NULL OR contracting_income IS NULL OR investment_income IS NULL OR operating_income = business_income + contracting_income + investment_income), constraint collective_income_nonnegative check ((operating_income IS NULL OR operating_income >= 0) AND (business_income IS NULL OR business_income >= 0) AND (contracting_income IS NULL OR contracting_income >= 0) AND (subsidy_income IS NULL OR subsidy_income >= 0) AND (other_income IS NULL OR other_income >= 0)), constraint collective_income_year_range check (year BETWEEN 1949 AND 2100));`,
    );
    this.addSql(`alter table "collective_income" add constraint "collective_income_village_year_unique" unique ("village_id", "year");`);

    this.addSql(
      `create table "enterprise" ("id" serial primary key, "source" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "credit_code" varchar(18) not null, "name" text not null, "ownership" text check ("ownership" in ('STATE_OWNED', 'PRIVATE', 'COLLECTIVE', 'FOREIGN_INVESTED', 'OTHER')) not null, "tags" text[] not null default '{}', constraint enterprise_credit_code_format check (credit_code ~ '^[0-9A-HJ-NP-RTUW-Y]{18}$'));`,
    );
    this.addSql(`alter table "enterprise" add constraint "enterprise_credit_code_unique" unique ("credit_code");`);
    this.addSql(`create index "enterprise_tags_index" on "enterprise" using gin ("tags");`);

    this.addSql(
      `create table "pairing" ("id" serial primary key, "source" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "code" varchar(64) not null, "scheme" text check ("scheme" in ('CITY_MOUNTAIN', 'SOE_TOWN', 'ENTERPRISE_VILLAGE', 'OTHER')) not null, "lead_area_id" int null, "lead_enterprise_id" int null, "partner_area_id" int null, "partner_enterprise_id" int null, "start_date" date not null, "end_date" date null, "note" text null, constraint pairing_dates_ordered check (end_date IS NULL OR end_date >= start_date), constraint pairing_one_partner check (num_nonnulls(partner_area_id, partner_enterprise_id) = 1), constraint pairing_one_lead check (num_nonnulls(lead_area_id, lead_enterprise_id) = 1));`,
    );
    this.addSql(`alter table "pairing" add constraint "pairing_code_unique" unique ("code");`);
    this.addSql(`create index "pairing_scheme_index" on "pairing" ("scheme");`);
    this.addSql(`create index "pairing_lead_area_id_index" on "pairing" ("lead_area_id");`);
    this.addSql(`create index "pairing_lead_enterprise_id_index" on "pairing" ("lead_enterprise_id");`);
    this.addSql(`create index "pairing_partner_area_id_index" on "pairing" ("partner_area_id");`);
    this.addSql(`create index "pairing_partner_enterprise_id_index" on "pairing" ("partner_enterprise_id");`);

    this.addSql(
      `create table "project" ("id" serial primary key, "source" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "code" varchar(64) not null, "name" text not null, "sector" text not null, "host_id" int not null, "pairing_id" int null, "signed_amount" numeric(20,2) not null, "signed_on" date not null, constraint project_signed_amount_nonnegative check (signed_amount >= 0));`,
    );
    this.addSql(`alter table "project" add constraint "project_code_unique" unique ("code");`);
    this.addSql(`create index "project_sector_index" on "project" ("sector");`);
    this.addSql(`create index "project_host_id_index" on "project" ("host_id");`);
    this.addSql(`create index "project_pairing_id_index" on "project" ("pairing_id");`);
    this.addSql(`create index "project_signed_amount_index" on "project" ("signed_amount");`);
    this.addSql(`create index "project_signed_on_index" on "project" ("signed_on");`);

    this.addSql(
      `create table "fund_flow" ("id" serial primary key, "source" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "project_id" int not null, "kind" text check ("kind" in ('COMMITMENT', 'LANDED')) not null, "amount" numeric(20,2) not null, "occurred_on" date not null, constraint fund_flow_amount_positive check (amount > 0));`,
    );
    this.addSql(`create index "fund_flow_kind_occurred_on_index" on "fund_flow" ("kind", "occurred_on");`);
    this.addSql(`alter table "fund_flow" add constraint "fund_flow_natural_key" unique ("project_id", "kind", "occurred_on");`);

    this.addSql(`create table "project_investor" ("id" serial primary key, "project_id" int not null, "enterprise_id" int not null);`);
    this.addSql(`create index "project_investor_enterprise_id_index" on "project_investor" ("enterprise_id");`);
    this.addSql(`alter table "project_investor" add constraint "project_investor_unique" unique ("project_id", "enterprise_id");`);

    this.addSql(
      `create table "project_stage" ("id" serial primary key, "project_id" int not null, "stage" text check ("stage" in ('SIGNED', 'LANDED', 'STARTED', 'OPERATING', 'CANCELLED')) not null, "reached_on" date not null);`,
    );
    this.addSql(`create index "project_stage_stage_reached_on_index" on "project_stage" ("stage", "reached_on");`);
    this.addSql(`alter table "project_stage" add constraint "project_stage_project_stage_unique" unique ("project_id", "stage");`);

    this.addSql(
      `create table "workshop" ("id" serial primary key, "source" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" text not null, "type" text check ("type" in ('PROCESSING', 'TARGETED_HIRING', 'LIVE_COMMERCE', 'AGRI_TOURISM', 'BRAND_LED', 'INDUSTRY_EMPOWERMENT')) not null, "village_id" int not null, "host_enterprise_id" int null, "opened_on" date null, "jobs_created" int not null default 0, "low_income_jobs" int not null default 0, "income_gain_per_person" numeric(20,2) null, constraint workshop_income_gain_nonnegative check (income_gain_per_person IS NULL OR income_gain_per_person >= 0), constraint workshop_low_income_within_jobs check (low_income_jobs <= jobs_created), constraint workshop_jobs_nonnegative check (jobs_created >= 0 AND low_income_jobs >= 0));`,
    );
    this.addSql(`create index "workshop_host_enterprise_id_index" on "workshop" ("host_enterprise_id");`);
    this.addSql(`alter table "workshop" add constraint "workshop_village_name_unique" unique ("village_id", "name");`);

    this.addSql(
      `alter table "area" add constraint "area_parent_id_foreign" foreign key ("parent_id") references "area" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "collective_income" add constraint "collective_income_village_id_foreign" foreign key ("village_id") references "area" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "pairing" add constraint "pairing_lead_area_id_foreign" foreign key ("lead_area_id") references "area" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "pairing" add constraint "pairing_lead_enterprise_id_foreign" foreign key ("lead_enterprise_id") references "enterprise" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "pairing" add constraint "pairing_partner_area_id_foreign" foreign key ("partner_area_id") references "area" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "pairing" add constraint "pairing_partner_enterprise_id_foreign" foreign key ("partner_enterprise_id") references "enterprise" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "project" add constraint "project_host_id_foreign" foreign key ("host_id") references "area" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "project" add constraint "project_pairing_id_foreign" foreign key ("pairing_id") references "pairing" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "fund_flow" add constraint "fund_flow_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "project_investor" add constraint "project_investor_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "project_investor" add constraint "project_investor_enterprise_id_foreign" foreign key ("enterprise_id") references "enterprise" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "project_stage" add constraint "project_stage_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "workshop" add constraint "workshop_village_id_foreign" foreign key ("village_id") references "area" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "workshop" add constraint "workshop_host_enterprise_id_foreign" foreign key ("host_enterprise_id") references "enterprise" ("id") on update cascade on delete restrict;`,
    );
  }
}
