/**
 * Codes became case-insensitive (the identifier scalars upper-case them). Migration
 * Migration20261201093000_upper_codes upper-cases codes stored in lower case before that, and stops, naming
 * both, when two codes of one table differ only by case. Real PostgreSQL, the real migrator.
 */
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormOptions } from '../mikro-orm.config.js';
import { createTestDatabase } from './support/database.js';

const BEFORE = 'Migration20261201092000_area_tree';

describe('upper-casing codes stored before codes were case-insensitive', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  let client: pg.Client;
  const codes = async () => (await client.query<{ code: string }>('select code from project order by code')).rows.map((r) => r.code);

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await MikroORM.init(ormOptions(db.url));
    await orm.getMigrator().up({ to: BEFORE });
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`insert into area (source, created_at, updated_at, code, name, kind) values ('test', now(), now(), '330110', '余杭区', 'DISTRICT')`);
  }, 120_000);

  afterAll(async () => {
    await client?.end();
    await orm?.close(true);
    await db?.drop();
  });

  const project = (code: string) =>
    client.query(
      `insert into project (source, created_at, updated_at, code, name, sector, host_id, signed_amount, signed_on)
       select 'test', now(), now(), $1::text, $1::text, '文旅', id, 100, '2023-01-01' from area where code = '330110'`,
      [code],
    );

  it('stops and names both codes when two differ only by case, changing nothing', async () => {
    await project('mt-2');
    await project('MT-2');
    await project('mt-1');
    await expect(orm.getMigrator().up()).rejects.toThrow(/project codes that differ only by letter case.*MT-2 \/ mt-2/);
    expect(await codes()).toEqual(['MT-2', 'mt-1', 'mt-2']);
    const applied = (await client.query(`select name from mikro_orm_migrations where name like '%upper_codes%'`)).rowCount;
    expect(applied).toBe(0);
  }, 120_000);

  it('upper-cases the others once the clash is resolved, and the database keeps them upper-case', async () => {
    await client.query(`update project set code = 'mt-2b' where code = 'mt-2'`);
    await orm.getMigrator().up();
    expect(await codes()).toEqual(['MT-1', 'MT-2', 'MT-2B']);
    await expect(project('mt-3')).rejects.toThrow(/project_code_upper/);
  }, 120_000);
});
