import 'reflect-metadata';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '../../mikro-orm.config.js';
import { startEmbeddedPostgres } from './embedded.js';

/**
 * `npm run db:migration:create`: diffs the entities against a throwaway database migrated to the
 * latest committed migration, and writes the difference as a new migration in src/migrations
 * (add it to src/migrations/index.ts, and review it: CHECKs and functions are written by hand).
 */
const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-migration-'));
await chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
try {
  const orm = await MikroORM.init(ormOptions(pg.url));
  const migrator = orm.getMigrator();
  await migrator.up();
  const result = await migrator.createMigration('src/migrations', false, process.argv.includes('--initial'));
  console.log(result.fileName ? `wrote src/migrations/${result.fileName}` : 'no changes');
  await orm.close(true);
} finally {
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
}
