import { Migration } from '@mikro-orm/migrations';

/**
 * The rate limit's counters, shared by every API process on the database (issue 13): one row per
 * credential or client address, in the layout rate-limiter-flexible's PostgreSQL store reads and
 * writes (`key`, `points`, `expire` in epoch milliseconds). Created here, by the owner, because the
 * API's role may not create tables (the store is told the table exists).
 *
 * Note: UNLOGGED. Counters of a one-minute window need no durability: no WAL is written for them,
 * so a request's upsert commits without waiting for a WAL flush, and a crash merely empties the
 * table (every caller starts a fresh minute). Unlogged tables are not streamed to replicas either,
 * which is right: only the primary counts.
 */
export class Migration20261201080000_rate_limit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create unlogged table "rate_limit" ("key" varchar(255) primary key, "points" integer not null default 0, "expire" bigint null);`);
    this.addSql(
      `comment on table "rate_limit" is 'Rate-limit counters shared by the API processes (rate-limiter-flexible PostgreSQL store); expire in epoch ms';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limit";`);
  }
}
