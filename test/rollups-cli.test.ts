import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { startTestApi, type TestApi } from './support/api.js';
import { runCli } from './support/cli.js';

/** `npm run db:rollups -- --check | --rebuild` on a real database, after corrupting rollup rows as the owner. */
let api: TestApi;
let db: pg.Client;
const rollups = (arg: string) => runCli('src/db/rollups.cli.ts', [arg], { DATABASE_URL: api.databaseUrl, MIGRATION_DATABASE_URL: '', LOG_LEVEL: 'silent' });

beforeAll(async () => {
  api = await startTestApi();
  const seeded = await runImport(api.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
  expect(seeded.status).toBe('ok');
  db = new pg.Client({ connectionString: api.databaseUrl });
  await db.connect();
}, 120_000);

afterAll(async () => {
  await db?.end();
  await api?.close();
});

describe('npm run db:rollups', () => {
  it('finds every rollup equal to the base tables on a freshly imported registry (exit 0)', async () => {
    const res = await rollups('--check');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('every row equals its recomputation');
  }, 60_000);

  it('names each corrupted row with its table, key and columns (exit 1), and --rebuild repairs them', async () => {
    const [row] = (
      await db.query(
        `select period::text, host_id, coalesce(pairing_id, 0) as pk, sector, landed::text from fund_rollup where grain = 'Y' and landed > 0 order by period, host_id limit 1`,
      )
    ).rows;
    const key = `grain = 'Y' and period = $1 and host_id = $2 and coalesce(pairing_id, 0) = $3 and sector = $4`;
    await db.query(`update fund_rollup set landed = landed + 0.01 where ${key}`, [row.period, row.host_id, row.pk, row.sector]);
    const [gone] = (await db.query(`delete from area_ancestry where area_id = (select max(area_id) from area_ancestry) returning area_id`)).rows;
    await db.query(
      `insert into tier_rollup (signed_month, host_id, sector, projects, total, n_yi_1, s_yi_1, n_yi_10, s_yi_10, n_yi_50, s_yi_50)
      values ('1999-01-01', $1, '虚构', 1, 1, 0, 0, 0, 0, 0, 0)`,
      [row.host_id],
    );

    const check = await rollups('--check');
    expect(check.code).toBe(1);
    const canonical = (v: string) => (v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v);
    const [{ more }] = (await db.query(`select ($1::numeric + 0.01)::text as more`, [row.landed])).rows;
    const line = check.stdout.split('\n').find((l) => l.startsWith(`fund_rollup [grain=Y period=${row.period} host_id=${row.host_id} `));
    const [, expected, found] = /: landed expected ([\d.]+), found ([\d.]+)$/.exec(line ?? '') ?? [];
    expect([expected && canonical(expected), found && canonical(found)], check.stdout).toEqual([canonical(row.landed), canonical(more)]);
    expect(check.stdout).toContain(`area_ancestry [area_id=${gone.area_id}]: missing`);
    expect(check.stdout).toContain(`tier_rollup [signed_month=1999-01-01`);
    expect(check.stdout).toContain('3 difference(s) in');

    const rebuild = await rollups('--rebuild');
    expect(rebuild.code, rebuild.stderr).toBe(0);
    expect(rebuild.stdout).toMatch(/rebuilt area_ancestry \(\d+ rows\), fund_rollup \(\d+ rows\)/);
    const again = await rollups('--check');
    expect(again.code, again.stdout).toBe(0);
    const [fixed] = (await db.query(`select landed::text from fund_rollup where ${key}`, [row.period, row.host_id, row.pk, row.sector])).rows;
    expect(fixed.landed).toBe(row.landed);
  }, 120_000);

  it('refuses anything but one of --check and --rebuild (exit 2)', async () => {
    const res = await runCli('src/db/rollups.cli.ts', [], { DATABASE_URL: api.databaseUrl });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('usage: npm run db:rollups -- --check | --rebuild');
  });
});
