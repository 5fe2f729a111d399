import type { MigrationObject } from '@mikro-orm/core';

/** Migrations in the order they apply; each new file is added here. */
export const MIGRATIONS: MigrationObject[] = [];
