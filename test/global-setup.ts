import 'reflect-metadata';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { prepareStart } from '../scripts/start-command.js';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '../src/db/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a PostgreSQL server where tests may create and drop their own databases. */
    adminDatabaseUrl: string;
  }
}

let embedded: EmbeddedPostgresHandle | undefined;
let dir: string | undefined;

/**
 * Builds dist/ as `npm start` does (only when it is missing or stale), once for the run: the tests
 * that spawn the start command run the compiled API. Then uses DATABASE_URL when set; otherwise
 * starts a throwaway embedded PostgreSQL for the run.
 */
export async function setup(project: TestProject): Promise<void> {
  const prepared = prepareStart();
  if (prepared.built) console.log(prepared.output.trim());
  if (process.env.DATABASE_URL) {
    project.provide('adminDatabaseUrl', process.env.DATABASE_URL);
    return;
  }
  dir = await mkdtemp(path.join(os.tmpdir(), 'registry-test-'));
  await chmod(dir, 0o755);
  embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
  project.provide('adminDatabaseUrl', embedded.url);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}
