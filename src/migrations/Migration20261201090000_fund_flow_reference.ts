import { Migration } from '@mikro-orm/migrations';

/** The audit trigger function of fund_flow (as in Migration20261201030000_access) naming a flow by `key`. */
function auditFunction(key: string): string {
  const cols = `"action", "record_kind", "record_key", "before", "after"`;
  return `create or replace function "audit_fund_flow"() returns trigger language plpgsql as $$
  begin
    if TG_OP = 'INSERT' then
      insert into audit_log (${cols}) select 'INSERT', 'FundFlow', ${key}, null, to_jsonb(r) - 'created_at' - 'updated_at' from new_rows r;
    elsif TG_OP = 'DELETE' then
      insert into audit_log (${cols}) select 'DELETE', 'FundFlow', ${key}, to_jsonb(r) - 'created_at' - 'updated_at', null from old_rows r;
    else
      insert into audit_log (${cols})
      select 'UPDATE', 'FundFlow', ${key}, d."before", d."after"
      from new_rows r join old_rows o on o.id = r.id cross join lateral audit_diff(to_jsonb(o), to_jsonb(r)) d
      where d."after" is not null;
    end if;
    return null;
  end $$;`;
}

/**
 * Fund flows get a stable reference (凭证号, voucher number), unique per project, and are keyed by it
 * (issue 11 §3): correcting a flow's date or kind updates the same flow instead of adding a second one.
 *
 * Existing flows get the generated reference `<KIND>-<YYYY-MM-DD>` (e.g. `LANDED-2022-06-30`): it is
 * unique per project because (project, kind, date) was the key until now. A row inserted without a
 * reference (SQL typed by hand, an API call without one) gets the same form from a trigger
 * (`generatedReference` in src/fund-flow/fund-flow.rules.ts is the same rule). Several flows of one
 * kind on one day are now allowed when their references differ.
 */
export class Migration20261201090000_fund_flow_reference extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "fund_flow" add column "reference" text;`);
    this.addSql(`update "fund_flow" set "reference" = "kind" || '-' || to_char("occurred_on", 'YYYY-MM-DD');`);
    this.addSql(`alter table "fund_flow" alter column "reference" set not null;`);
    this.addSql(
      `alter table "fund_flow" add constraint "fund_flow_reference_check" check ("reference" = btrim("reference") and char_length("reference") between 1 and 64 and "reference" !~ '[[:cntrl:]]');`,
    );
    this.addSql(`alter table "fund_flow" drop constraint "fund_flow_natural_key";`);
    this.addSql(`alter table "fund_flow" add constraint "fund_flow_project_reference_unique" unique ("project_id", "reference");`);
    this.addSql(`comment on column "fund_flow"."reference" is '凭证号 voucher number: the flow''s stable key within its project';`);
    this.addSql(`create function "fund_flow_default_reference"() returns trigger language plpgsql as $f$
    begin
      new.reference := new.kind || '-' || to_char(new.occurred_on, 'YYYY-MM-DD');
      return new;
    end $f$;`);
    this.addSql(
      `create trigger "fund_flow_default_reference" before insert on "fund_flow" for each row when (new.reference is null) execute function "fund_flow_default_reference"();`,
    );
    // The audit log names a flow by its new key, project code / reference (was project / kind / date).
    this.addSql(auditFunction(`coalesce((select p.code from project p where p.id = r.project_id), '#' || r.project_id) || '/' || r.reference`));
  }

  override async down(): Promise<void> {
    this.addSql(
      auditFunction(`coalesce((select p.code from project p where p.id = r.project_id), '#' || r.project_id) || '/' || r.kind || '/' || r.occurred_on`),
    );
    this.addSql(`drop trigger if exists "fund_flow_default_reference" on "fund_flow";`);
    this.addSql(`drop function if exists "fund_flow_default_reference"();`);
    this.addSql(`alter table "fund_flow" drop constraint "fund_flow_project_reference_unique";`);
    this.addSql(`alter table "fund_flow" add constraint "fund_flow_natural_key" unique ("project_id", "kind", "occurred_on");`);
    this.addSql(`alter table "fund_flow" drop column "reference";`);
  }
}
