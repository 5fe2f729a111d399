import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { startEmbeddedPostgres } from './embedded.js';
import { dropStandbySlot, standbyName, startStandby } from './standby.js';

/**
 * `npm run db:replica -- --port 5433`: a streaming read replica of the embedded PostgreSQL
 * (PG_DATA_DIR, PGPORT), made on first use with a base backup into `--dir` (default
 * `.data/replica-<port>`), running until Ctrl-C. `--remove` drops its replication slot on the
 * primary and deletes its directory.
 */
const log = (msg: string) => console.error(`[replica] ${msg}`);
const program = new Command()
  .name('npm run db:replica --')
  .description('a streaming read replica (hot standby) of the embedded PostgreSQL, until Ctrl-C')
  .requiredOption('--port <port>', 'port of the replica on 127.0.0.1')
  .option('--dir <dir>', 'data directory of the replica (default .data/replica-<port>)')
  .option('--name <name>', 'replication slot name on the primary (default replica_<port>)')
  .option('--remove', "drop the replica's replication slot and delete its directory (the replica must be stopped)")
  .exitOverride();
try {
  program.parse();
} catch (err) {
  process.exit((err as { code?: string }).code === 'commander.helpDisplayed' ? 0 : 2);
}
const args = program.opts<{ port: string; dir?: string; name?: string; remove?: boolean }>();
const port = Number(args.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`[replica] --port must be a TCP port, got '${args.port}'`);
  process.exit(2);
}
if (process.env.DATABASE_URL) {
  console.error('[replica] DATABASE_URL is set: replicas of an external server are made with its own tools (pg_basebackup); see README, Read replicas');
  process.exit(2);
}
const primaryDir = path.resolve(process.env.PG_DATA_DIR || '.data/postgres');
const dataDir = path.resolve(args.dir ?? `.data/replica-${port}`);
log(`primary: embedded PostgreSQL in ${primaryDir}; replica: ${dataDir}`);

const primary = await startEmbeddedPostgres({
  dataDir: primaryDir,
  port: process.env.PGPORT ? Number(process.env.PGPORT) : undefined,
  log,
  longLived: true,
}).catch((e: Error) => {
  console.error(`[replica] could not open the primary: ${e.message}`);
  process.exit(1);
});
if (!primary.shared && !process.env.PGPORT) {
  log(`the primary runs on port ${primary.port}, picked now: give the API and the next runs PGPORT=${primary.port} so the replica finds it again`);
}

if (args.remove) {
  const name = standbyName(args.name, port);
  const dropped = await dropStandbySlot(primaryDir, primary.port, name).catch((e: Error) => {
    console.error(`[replica] could not drop the slot ${name}: ${e.message}`);
    return undefined;
  });
  await primary.stop();
  if (dropped === undefined) process.exit(1);
  log(dropped ? `dropped the replication slot ${name}` : `no replication slot ${name} on the primary`);
  await rm(dataDir, { recursive: true, force: true });
  log(`removed ${dataDir}`);
  process.exit(0);
}

const standby = await startStandby({ primaryDataDir: primaryDir, primaryPort: primary.port, dataDir, port, name: args.name, log }).catch(async (e: Error) => {
  console.error(`[replica] ${e.message}`);
  await primary.stop();
  process.exit(1);
});
log(`ready: give the API DATABASE_REPLICA_URLS=postgres://127.0.0.1:${port}/registry (it logs in with its own role and password)`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping the replica`);
  await standby.stop();
  await primary.stop();
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void shutdown(signal));
}
