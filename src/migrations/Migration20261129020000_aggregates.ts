import { Migration } from '@mikro-orm/migrations';

/** Indexes the aggregate queries (src/aggregates) need; written by hand. */
export class Migration20261129020000_aggregates extends Migration {
  override async up(): Promise<void> {
    // Note: fundsLanded reads the LANDED flows of a period and joins them to their projects; this partial
    // index covers project and amount, so the sums run as index-only scans over the period.
    this.addSql(`create index "fund_flow_landed_covering_index" on "fund_flow" ("occurred_on", "project_id") include ("amount") where kind = 'LANDED';`);
    // Note: collectiveIncome(year) reads one year and the year before for every village in scope;
    // (village_id, year) exists as the natural key, this one serves the year-first scan with the amount.
    this.addSql(`create index "collective_income_year_covering_index" on "collective_income" ("year", "village_id") include ("operating_income");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "fund_flow_landed_covering_index";`);
    this.addSql(`drop index if exists "collective_income_year_covering_index";`);
  }
}
