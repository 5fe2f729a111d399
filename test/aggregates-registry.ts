import type { MikroORM } from '@mikro-orm/postgresql';

/** A registry as plain rows with explicit ids, for the aggregate tests (money as decimal strings in yuan). */
export interface Registry {
  areas: {
    id: number;
    code: string;
    name: string;
    kind: 'DISTRICT' | 'PLATFORM' | 'TOWN' | 'VILLAGE' | 'COMMUNITY';
    parentId: number | null;
    mountain: boolean;
    scenicGrade: string;
  }[];
  enterprises: { id: number; creditCode: string; name: string }[];
  pairings: {
    id: number;
    code: string;
    scheme: string;
    leadAreaId: number | null;
    leadEnterpriseId: number | null;
    partnerAreaId: number | null;
    partnerEnterpriseId: number | null;
  }[];
  projects: {
    id: number;
    code: string;
    hostId: number;
    pairingId: number | null;
    sector: string;
    signedAmount: string;
    signedOn: string;
    stages: { stage: string; reachedOn: string }[];
    investorIds: number[];
  }[];
  flows: { projectId: number; kind: 'LANDED' | 'COMMITMENT'; amount: string; occurredOn: string }[];
  incomes: { villageId: number; year: number; operatingIncome: string }[];
}

export function emptyRegistry(): Registry {
  return { areas: [], enterprises: [], pairings: [], projects: [], flows: [], incomes: [] };
}

const TABLES = ['workshop', 'fund_flow', 'collective_income', 'project_investor', 'project_stage', 'project', 'pairing', 'enterprise', 'area'];

/** Empties every table (ids restart), so one database can hold one registry after another. */
export async function truncateRegistry(orm: MikroORM): Promise<void> {
  await orm.em.getConnection().execute(`truncate ${TABLES.join(', ')} restart identity cascade`);
}

/** Bulk-inserts a registry (parents before children) and moves the id sequences past it. */
export async function insertRegistry(orm: MikroORM, r: Registry): Promise<void> {
  const knex = orm.em.getKnex();
  const now = new Date();
  const base = { source: 'test', created_at: now, updated_at: now };
  await knex.transaction(async (tx) => {
    const insert = async (table: string, rows: object[]) => {
      for (let i = 0; i < rows.length; i += 500) await tx(table).insert(rows.slice(i, i + 500));
    };
    // Areas level by level, so each parent exists before its children.
    const depth = new Map<number, number>();
    const byId = new Map(r.areas.map((a) => [a.id, a]));
    const depthOf = (id: number): number => {
      if (!depth.has(id)) {
        // A parent outside this batch is already in the database.
        const parent = byId.get(id)?.parentId ?? null;
        depth.set(id, parent === null || !byId.has(parent) ? 0 : depthOf(parent) + 1);
      }
      return depth.get(id)!;
    };
    const sorted = [...r.areas].sort((a, b) => depthOf(a.id) - depthOf(b.id));
    await insert(
      'area',
      sorted.map((a) => ({
        ...base,
        id: a.id,
        code: a.code,
        name: a.name,
        kind: a.kind,
        parent_id: a.parentId,
        mountain: a.mountain,
        scenic_grade: a.scenicGrade,
      })),
    );
    await insert(
      'enterprise',
      r.enterprises.map((e) => ({ ...base, id: e.id, credit_code: e.creditCode, name: e.name, ownership: 'PRIVATE', tags: [] })),
    );
    await insert(
      'pairing',
      r.pairings.map((p) => ({
        ...base,
        id: p.id,
        code: p.code,
        scheme: p.scheme,
        lead_area_id: p.leadAreaId,
        lead_enterprise_id: p.leadEnterpriseId,
        partner_area_id: p.partnerAreaId,
        partner_enterprise_id: p.partnerEnterpriseId,
        start_date: '2020-01-01',
      })),
    );
    await insert(
      'project',
      r.projects.map((p) => ({
        ...base,
        id: p.id,
        code: p.code,
        name: `项目${p.code}`,
        sector: p.sector,
        host_id: p.hostId,
        pairing_id: p.pairingId,
        signed_amount: p.signedAmount,
        signed_on: p.signedOn,
      })),
    );
    await insert(
      'project_stage',
      r.projects.flatMap((p) => p.stages.map((s) => ({ project_id: p.id, stage: s.stage, reached_on: s.reachedOn }))),
    );
    await insert(
      'project_investor',
      r.projects.flatMap((p) => p.investorIds.map((e) => ({ project_id: p.id, enterprise_id: e }))),
    );
    await insert(
      'fund_flow',
      r.flows.map((f) => ({ ...base, project_id: f.projectId, kind: f.kind, amount: f.amount, occurred_on: f.occurredOn })),
    );
    await insert(
      'collective_income',
      r.incomes.map((i) => ({ ...base, village_id: i.villageId, year: i.year, operating_income: i.operatingIncome })),
    );
    for (const table of ['area', 'enterprise', 'pairing', 'project']) {
      await tx.raw(`select setval(pg_get_serial_sequence('${table}', 'id'), coalesce((select max(id) from ${table}), 0) + 1, false)`);
    }
  });
}
