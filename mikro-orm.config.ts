import 'reflect-metadata';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { ENTITIES } from './src/entities.js';
import { MIGRATIONS } from './src/migrations/index.js';

/** MikroORM options for a database URL. Shared by the API, the CLI scripts and the tests. */
export function ormOptions(clientUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    allowGlobalContext: false,
    forceUtcTimezone: true,
    // Note: a MikroORM instance with colours on sets MIKRO_ORM_COLORS for the whole process, which
    // would colour the logs of every ORM opened after it (and break log readers such as the tests').
    colors: false,
    discovery: { disableDynamicFileAccess: true },
    migrations: {
      path: 'src/migrations',
      pathTs: 'src/migrations',
      emit: 'ts',
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: Number(process.env.DB_POOL_MAX ?? 10) },
    ...overrides,
  });
}
