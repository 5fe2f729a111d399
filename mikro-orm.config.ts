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

/** For the MikroORM CLI (`npm run mikro-orm -- migration:create`); needs DATABASE_URL. */
export default ormOptions(process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/registry');
