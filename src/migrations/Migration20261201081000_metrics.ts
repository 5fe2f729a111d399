import { Migration } from '@mikro-orm/migrations';

/**
 * `/metrics` counts the committed import runs and their rows from the audit log's IMPORT entries at
 * every scrape: this partial index holds just those, so a scrape reads a few rows, not the trail.
 */
export class Migration20261201081000_metrics extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "audit_log_import_index" on "audit_log" ("id") where "action" = 'IMPORT';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "audit_log_import_index";`);
  }
}
