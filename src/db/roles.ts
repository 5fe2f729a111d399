/**
 * The two database roles of the registry and what the application role may do.
 *
 * - The **owner** applies migrations, owns every table and (re)applies the grants below. On the
 *   embedded server it is the superuser `postgres`; on an external server it is the role of
 *   MIGRATION_DATABASE_URL.
 * - The **application role** (`registry_app` on the embedded server; the role of DATABASE_URL on
 *   an external one) is what the API connects as: no superuser, no CREATEDB/CREATEROLE, owns
 *   nothing, and has only the table privileges declared here.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import pg from 'pg';

/** Name of the application role the embedded server creates. */
export const APP_ROLE = 'registry_app';

export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/** What the application role may do on every table of schema `public` not listed below. */
export const DEFAULT_TABLE_PRIVILEGES: readonly TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/**
 * Tables that get less than the default. Any table not named here (including tables that later
 * migrations add) gets {@link DEFAULT_TABLE_PRIVILEGES}; a new exception is one line here.
 */
export const TABLE_PRIVILEGE_EXCEPTIONS: Readonly<Record<string, readonly TablePrivilege[]>> = {
  // The audit trail is append-only for the application: nothing the API runs can change or remove it.
  audit_log: ['SELECT', 'INSERT'],
  // The API reads which migrations are applied (/readyz); only the owner applies them.
  mikro_orm_migrations: ['SELECT'],
  // Materialised ancestors and aggregate rollups: written only by the owner's trigger functions
  // (SECURITY DEFINER, in the transaction of every write), read by the API.
  area_ancestry: ['SELECT'],
  fund_rollup: ['SELECT'],
  tier_rollup: ['SELECT'],
  workshop_rollup: ['SELECT'],
  income_rollup: ['SELECT'],
  // Rollup keys a transaction touched, until its commit recomputes them (written by the same functions).
  rollup_pending: ['SELECT'],
  rollup_dirty: ['SELECT'],
};

/** Privileges of the application role on one table. */
export function tablePrivileges(table: string): readonly TablePrivilege[] {
  return TABLE_PRIVILEGE_EXCEPTIONS[table] ?? DEFAULT_TABLE_PRIVILEGES;
}

/** A password for a generated role: 32 random bytes, URL-safe (it goes into connection URLs). */
export function generatePassword(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677, as `pg_authid`
 * holds it). `ALTER ROLE … PASSWORD '<verifier>'` then never sends the password itself, so it
 * cannot show up in the server's log or in pg_stat_activity. Our passwords are ASCII, for which
 * SASLprep is the identity.
 */
export function scramVerifier(password: string, iterations = 4096): string {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Creates the application role when it is missing and (re)sets its attributes and password.
 * Run as a superuser (the embedded server's owner).
 */
export async function ensureAppRole(client: Queryable, role: string, password: string): Promise<void> {
  const { rows } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (rows.length === 0) {
    try {
      await client.query(`CREATE ROLE ${quoteIdent(role)}`);
    } catch (err) {
      if ((err as { code?: string }).code !== '42710') throw err; // created concurrently
    }
  }
  await client.query(
    `ALTER ROLE ${quoteIdent(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS ` +
      `PASSWORD ${quoteLiteral(scramVerifier(password))}`,
  );
}

/** The role a connection URL logs in as (undefined when the URL names none). */
export function roleOfUrl(url: string): string | undefined {
  try {
    const user = decodeURIComponent(new URL(url).username);
    return user === '' ? undefined : user;
  } catch {
    return undefined;
  }
}

/** Advisory lock key held while grants are (re)applied. */
const GRANTS_LOCK = 7_370_111;

export interface GrantReport {
  role: string;
  tables: number;
  /** Objects of schema public the role owns (ownership bypasses grants: should be 0). */
  owned: string[];
}

/**
 * As the owner (`ownerUrl`), gives `role` exactly the privileges it needs on the current
 * database: CONNECT, USAGE on schema public, the declared privileges on every table of public
 * (everything else revoked, so the result does not depend on history), USAGE/SELECT on the
 * sequences. Idempotent; run after every migration.
 */
export async function applyGrants(ownerUrl: string, role: string): Promise<GrantReport> {
  const client = new pg.Client({ connectionString: ownerUrl });
  client.on('error', () => {}); // a dying server must not crash the process; the query fails instead
  await client.connect();
  try {
    await client.query('BEGIN');
    // Two commands starting at once (npm start, npm run import) would otherwise collide on the
    // catalog rows ("tuple concurrently updated").
    await client.query('SELECT pg_advisory_xact_lock($1)', [GRANTS_LOCK]);
    const r = quoteIdent(role);
    const { rows: dbRows } = await client.query('SELECT current_database() AS db');
    await client.query(`GRANT CONNECT ON DATABASE ${quoteIdent(dbRows[0].db)} TO ${r}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    await client.query(`REVOKE CREATE ON SCHEMA public FROM ${r}`);
    const { rows: tables } = await client.query(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname`,
    );
    for (const { name } of tables as { name: string }[]) {
      const table = `public.${quoteIdent(name)}`;
      await client.query(`REVOKE ALL ON TABLE ${table} FROM ${r}`);
      await client.query(`GRANT ${tablePrivileges(name).join(', ')} ON TABLE ${table} TO ${r}`);
    }
    await client.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${r}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    const { rows: owned } = await client.query(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)`,
      [role],
    );
    await client.query('COMMIT');
    return { role, tables: tables.length, owned: owned.map((o: { name: string }) => o.name) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end().catch(() => {});
  }
}
