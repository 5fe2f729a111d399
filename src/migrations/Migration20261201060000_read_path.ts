import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for keyset pagination: every `orderBy` of a list, and the default order of every nested list,
 * has an index on (sort column, id) — or (parent column, sort column, id) for a nested list — so a page
 * is an index range scan whatever its depth and however large the table. Written by hand (as the
 * aggregate indexes); the single-column indexes they make redundant are dropped, and the entities no
 * longer declare them.
 */
const INDEXES: [name: string, table: string, columns: string][] = [
  ['project_name_id_index', 'project', 'name, id'],
  ['project_sector_id_index', 'project', 'sector, id'],
  ['project_signed_amount_id_index', 'project', 'signed_amount, id'],
  ['project_signed_on_id_index', 'project', 'signed_on, id'],
  ['project_created_at_id_index', 'project', 'created_at, id'],
  ['project_host_signed_on_index', 'project', 'host_id, signed_on, id'],
  ['project_pairing_signed_on_index', 'project', 'pairing_id, signed_on, id'],
  ['area_name_id_index', 'area', 'name, id'],
  ['area_kind_id_index', 'area', 'kind, id'],
  ['area_created_at_id_index', 'area', 'created_at, id'],
  ['area_parent_code_index', 'area', 'parent_id, code, id'],
  ['enterprise_name_id_index', 'enterprise', 'name, id'],
  ['enterprise_created_at_id_index', 'enterprise', 'created_at, id'],
  ['pairing_start_date_id_index', 'pairing', 'start_date, id'],
  ['pairing_scheme_id_index', 'pairing', 'scheme, id'],
  ['pairing_created_at_id_index', 'pairing', 'created_at, id'],
  ['workshop_name_id_index', 'workshop', 'name, id'],
  ['workshop_type_id_index', 'workshop', 'type, id'],
  ['workshop_opened_on_id_index', 'workshop', 'opened_on, id'],
  ['workshop_jobs_created_id_index', 'workshop', 'jobs_created, id'],
  ['workshop_income_gain_per_person_id_index', 'workshop', 'income_gain_per_person, id'],
  ['workshop_created_at_id_index', 'workshop', 'created_at, id'],
  ['fund_flow_occurred_on_kind_id_index', 'fund_flow', 'occurred_on, kind, id'],
  ['fund_flow_kind_id_index', 'fund_flow', 'kind, id'],
  ['fund_flow_amount_id_index', 'fund_flow', 'amount, id'],
  ['fund_flow_created_at_id_index', 'fund_flow', 'created_at, id'],
  ['fund_flow_project_occurred_on_index', 'fund_flow', 'project_id, occurred_on, kind, id'],
  ['collective_income_year_id_index', 'collective_income', 'year, id'],
  ['collective_income_operating_income_id_index', 'collective_income', 'operating_income, id'],
  ['collective_income_created_at_id_index', 'collective_income', 'created_at, id'],
];

/** Single-column indexes that a composite above starts with. */
const REDUNDANT: [name: string, table: string, column: string][] = [
  ['project_sector_index', 'project', 'sector'],
  ['project_signed_amount_index', 'project', 'signed_amount'],
  ['project_signed_on_index', 'project', 'signed_on'],
  ['project_host_id_index', 'project', 'host_id'],
  ['project_pairing_id_index', 'project', 'pairing_id'],
  ['area_parent_id_index', 'area', 'parent_id'],
  ['pairing_scheme_index', 'pairing', 'scheme'],
];

export class Migration20261201060000_read_path extends Migration {
  override async up(): Promise<void> {
    for (const [name, table, columns] of INDEXES) this.addSql(`create index if not exists "${name}" on "${table}" (${columns});`);
    for (const [name] of REDUNDANT) this.addSql(`drop index if exists "${name}";`);
  }

  override async down(): Promise<void> {
    for (const [name, table, column] of REDUNDANT) this.addSql(`create index if not exists "${name}" on "${table}" ("${column}");`);
    for (const [name] of INDEXES) this.addSql(`drop index if exists "${name}";`);
  }
}
