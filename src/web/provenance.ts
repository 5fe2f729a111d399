import type { RequestContext } from '../common/context.js';
import { fundsLandedFacts } from '../aggregates/funds-landed.sql.js';
import { projectTiersFacts } from '../aggregates/project-tiers.sql.js';
import { Sql, subtreeByCodes } from '../aggregates/sql.js';
import type { FundsLandedFilter } from '../aggregates/funds-landed.inputs.js';
import type { ProjectTiersFilter } from '../aggregates/project-tiers.inputs.js';
import type { PairingScheme } from '../pairing/pairing.enums.js';

/** The dashboard's filters, as in its URL. */
export interface DashboardFilters {
  from: number;
  to: number;
  scheme: PairingScheme | null;
  area: string | null;
  /** Year of the village ranking. */
  year: number;
}

/** How much of one chart's data is cited and how much illustrative. */
export interface Provenance {
  /** What is weighed: the amounts (元) of the records, or the records themselves. */
  basis: 'amount' | 'records';
  records: number;
  illustrativeRecords: number;
  /** Exact yuan (basis `amount` only). */
  amount?: string;
  illustrativeAmount?: string;
}

/**
 * A record counts as illustrative when its `source` starts with "illustrative" (any case), the
 * seed workbook's and the brief's convention for filled-in rows; every other source is a citation.
 */
const illustrative = (column: string) => `lower(btrim(${column})) like 'illustrative%'`;

const SCHEMES = new Set(['CITY_MOUNTAIN', 'SOE_TOWN', 'ENTERPRISE_VILLAGE', 'OTHER']);
const MIN_YEAR = 1949;
const MAX_YEAR = 2100;
/** Most years one view spans (one alias per year in the income query; the API allows 15 aliases). */
export const MAX_SPAN_YEARS = 12;

/** Reads and checks the dashboard's filters from a query string; the message names the bad parameter. */
export function parseFilters(q: Record<string, unknown>): DashboardFilters | { error: string } {
  const int = (name: string): number | null | { error: string } => {
    const raw = q[name];
    if (raw === undefined || raw === '') return null;
    if (typeof raw !== 'string' || !/^\d{4}$/.test(raw) || Number(raw) < MIN_YEAR || Number(raw) > MAX_YEAR) {
      return { error: `${name} must be a year between ${MIN_YEAR} and ${MAX_YEAR}` };
    }
    return Number(raw);
  };
  const from = int('from');
  const to = int('to');
  const year = int('year');
  for (const v of [from, to, year]) if (v && typeof v === 'object') return v;
  if (typeof from !== 'number' || typeof to !== 'number') return { error: 'from and to are required' };
  if (to < from) return { error: 'to must not be before from' };
  if (to - from + 1 > MAX_SPAN_YEARS) return { error: `at most ${MAX_SPAN_YEARS} years at once` };
  const scheme = typeof q.scheme === 'string' && q.scheme !== '' ? q.scheme : null;
  if (scheme !== null && !SCHEMES.has(scheme)) return { error: `scheme must be one of ${[...SCHEMES].join(', ')}` };
  const area = typeof q.area === 'string' && q.area !== '' ? q.area : null;
  if (area !== null && !/^\d{6,12}$/.test(area)) return { error: 'area must be a division code (6–12 digits)' };
  return { from, to, scheme: scheme as PairingScheme | null, area, year: (year as number | null) ?? to };
}

interface Row {
  records: number;
  illustrative_records: number;
  amount?: string;
  illustrative_amount?: string;
}

function toProvenance(basis: Provenance['basis'], row: Row | undefined): Provenance {
  const p: Provenance = { basis, records: Number(row?.records ?? 0), illustrativeRecords: Number(row?.illustrative_records ?? 0) };
  if (basis === 'amount') Object.assign(p, { amount: row?.amount ?? '0', illustrativeAmount: row?.illustrative_amount ?? '0' });
  return p;
}

const AMOUNT_MEASURES = (amount: string, key: string) =>
  `count(*)::int as records, count(*) filter (where ${illustrative(key)})::int as illustrative_records, ` +
  `coalesce(sum(${amount}), 0)::text as amount, coalesce(sum(${amount}) filter (where ${illustrative(key)}), 0)::text as illustrative_amount`;

/**
 * The provenance of each chart of the dashboard under the same filters as its GraphQL query, in
 * SQL (five aggregate statements, whatever the size of the registry). The project charts reuse the
 * aggregates' own scope SQL, so "in scope" means exactly what `fundsLanded`/`projectTiers` count.
 */
export async function dashboardProvenance(ctx: RequestContext, f: DashboardFilters): Promise<Record<string, Provenance>> {
  const sql = new Sql(ctx);
  const period = { from: `${f.from}-01-01`, to: `${f.to}-12-31` };
  const scope = { schemes: f.scheme ? [f.scheme] : null, areaCodes: f.area ? [f.area] : null };
  const areaCte = f.area ? subtreeByCodes(sql, 'area_scope', [f.area]) : null;
  const inArea = (column: string) => (f.area ? `${column} in (select id from area_scope)` : 'true');
  const withArea = (text: string) => (areaCte ? `with recursive ${areaCte} ${text}` : text);

  const funds = fundsLandedFacts(sql, { ...scope, mountain: true } as FundsLandedFilter, period, { key: 'f.source' });
  const tiers = projectTiersFacts(sql, scope as ProjectTiersFilter, { signed: period, landed: null }, { key: 'p.source', where: ['al.platform_id is not null'] });
  const incomeYears = (first: number, last: number) =>
    withArea(
      `select ${AMOUNT_MEASURES('ci.operating_income', 'ci.source')} from collective_income ci join area a on a.id = ci.village_id ` +
        `where a.kind = 'VILLAGE' and ci.year between ${sql.v(first)} and ${sql.v(last)} and ${inArea('a.id')}`,
    );
  // Note: one statement after the other: a dashboard view should not hold five pooled connections.
  const [fundsRow] = await sql.run<Row>(`with recursive ${funds.ctes.join(', ')} select ${AMOUNT_MEASURES('x.amount', 'x._key')} from (${funds.facts}) x`);
  const [tiersRow] = await sql.run<Row>(
    `with recursive ${tiers.ctes.join(', ')} select count(*)::int as records, count(*) filter (where ${illustrative('x._key')})::int as illustrative_records from (${tiers.facts}) x`,
  );
  // Note: the income chart's growth of its first year compares with the year before, so that year's figures are data of the chart too.
  const [incomeRow] = await sql.run<Row>(incomeYears(f.from - 1, f.to));
  const [villagesRow] = await sql.run<Row>(incomeYears(f.year - 1, f.year));
  const [workshopRow] = await sql.run<Row>(
    withArea(
      `select count(*)::int as records, count(*) filter (where ${illustrative('t.source')})::int as illustrative_records from workshop t where ${inArea('t.village_id')}`,
    ),
  );
  const workshops = toProvenance('records', workshopRow);
  return {
    funds: toProvenance('amount', fundsRow),
    tiers: toProvenance('records', tiersRow),
    income: toProvenance('amount', incomeRow),
    villages: toProvenance('amount', villagesRow),
    workshopTypes: workshops,
    workshopTowns: workshops,
  };
}
