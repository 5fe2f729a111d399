import path from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { ormOptions } from '../../mikro-orm.config.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded.js';

export interface Database {
  orm: MikroORM;
  /** Connection URL (with password), for tools that talk to PostgreSQL directly. */
  url: string;
  /** Where the data lives, for logs (password removed). */
  description: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** External server; when absent an embedded PostgreSQL is started. */
  url?: string;
  /** Data directory of the embedded server. */
  dataDir?: string;
  port?: number;
  log?: (msg: string) => void;
  orm?: Partial<Options>;
}

/** Options from the environment: DATABASE_URL, or PG_DATA_DIR (default .data/postgres) and PGPORT. */
export function openOptionsFromEnv(log?: (msg: string) => void): OpenOptions {
  return {
    url: process.env.DATABASE_URL || undefined,
    dataDir: path.resolve(process.env.PG_DATA_DIR || '.data/postgres'),
    port: process.env.PGPORT ? Number(process.env.PGPORT) : undefined,
    log,
  };
}

/** Connects (starting the embedded server if needed) and applies pending migrations. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  let embedded: EmbeddedPostgresHandle | undefined;
  let url = opts.url;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: opts.dataDir ?? path.resolve('.data/postgres'), port: opts.port, log: opts.log });
    url = embedded.url;
  }
  try {
    const orm = await MikroORM.init(ormOptions(url, opts.orm));
    const applied = await orm.getMigrator().up();
    if (applied.length > 0) opts.log?.(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
    return {
      orm,
      url,
      description: embedded ? `embedded PostgreSQL in ${opts.dataDir} on port ${embedded.port}` : url.replace(/:[^:@/]*@/, ':***@'),
      async close() {
        await orm.close(true);
        await embedded?.stop();
      },
    };
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
}
