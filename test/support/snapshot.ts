import pg from 'pg';

const TABLES = ['area', 'enterprise', 'pairing', 'project', 'project_stage', 'project_investor', 'fund_flow', 'collective_income', 'workshop'];

/** Every row of every registry table, as text: equal snapshots mean an unchanged database. */
export async function snapshotDatabase(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, string[]> = {};
    for (const t of TABLES) out[t] = (await client.query(`select t::text as row from ${t} t order by id`)).rows.map((r) => r.row);
    return out;
  } finally {
    await client.end();
  }
}
