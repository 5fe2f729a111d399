import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129005831 } from './Migration20261129005831.js';
import { Migration20261129020000_aggregates } from './Migration20261129020000_aggregates.js';
import { Migration20261201030000_access } from './Migration20261201030000_access.js';
import { Migration20261201060000_read_path } from './Migration20261201060000_read_path.js';
import { Migration20261201061000_rollups } from './Migration20261201061000_rollups.js';
import { Migration20261201070000_indicators } from './Migration20261201070000_indicators.js';
import { Migration20261201080000_rate_limit } from './Migration20261201080000_rate_limit.js';
import { Migration20261201081000_metrics } from './Migration20261201081000_metrics.js';

/** Migrations in the order they apply; each new file is added here. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261129005831', class: Migration20261129005831 },
  { name: 'Migration20261129020000_aggregates', class: Migration20261129020000_aggregates },
  { name: 'Migration20261201030000_access', class: Migration20261201030000_access },
  { name: 'Migration20261201060000_read_path', class: Migration20261201060000_read_path },
  { name: 'Migration20261201061000_rollups', class: Migration20261201061000_rollups },
  { name: 'Migration20261201070000_indicators', class: Migration20261201070000_indicators },
  { name: 'Migration20261201080000_rate_limit', class: Migration20261201080000_rate_limit },
  { name: 'Migration20261201081000_metrics', class: Migration20261201081000_metrics },
];
