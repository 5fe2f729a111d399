import { Field, InputType } from 'type-graphql';
import { type AreaScope, areaScope, areaScopeCodes, areaScopeConditions, AreaScopeInput } from '../common/area-scope.js';
import type { KnownCodes } from '../common/known-codes.js';
import { normalizeCreditCode } from '../enterprise/credit-code.js';
import { PairingScheme } from '../pairing/pairing.enums.js';
import { Stage } from '../project/project.enums.js';
import type { Sql } from './sql.js';

export { checkKnownCodes, type KnownCodes } from '../common/known-codes.js';

const DEPRECATED_AREA_CODES = {
  nullable: true,
  description: '区域 Projects hosted in any of these areas or anywhere under them (division codes).',
  deprecationReason: 'Use `area: { within: [...] }` (same meaning).',
};
const DEPRECATED_MOUNTAIN = {
  nullable: true,
  description: '山区镇 Only projects hosted in a mountain town or under one (true), or only the others (false).',
  deprecationReason: 'Use `area: { mountain: ... }` (same meaning).',
};

/**
 * Declares the deprecated fields again on a filter that extends ProjectScopeFilter: type-graphql
 * 2.0.0-rc.4 drops `deprecationReason` from inherited input fields (it copies only type,
 * description and default), so without this they would lose their @deprecated in the schema.
 */
export function redeclareDeprecatedScope(target: { prototype: object }): void {
  Field(() => [String], DEPRECATED_AREA_CODES)(target.prototype, 'areaCodes');
  Field(() => Boolean, DEPRECATED_MOUNTAIN)(target.prototype, 'mountain');
}

/** Project conditions shared by the funds-landed and project-tier filters (a base class; not in the schema by itself). */
@InputType('ProjectScopeFilter', { description: '项目范围 Project conditions shared by aggregate filters.' })
export abstract class ProjectScopeFilter {
  @Field(() => AreaScopeInput, { nullable: true, description: '区域范围 Only projects whose host area is in this scope.' })
  area?: AreaScopeInput | null;

  @Field(() => [String], DEPRECATED_AREA_CODES)
  areaCodes?: string[] | null;

  @Field(() => Boolean, DEPRECATED_MOUNTAIN)
  mountain?: boolean | null;

  @Field(() => [PairingScheme], { nullable: true, description: '结对机制 Only projects signed under a pairing of one of these schemes.' })
  schemes?: PairingScheme[] | null;

  @Field(() => [String], { nullable: true, description: '结对编号 Only projects signed under one of these pairings (codes).' })
  pairingCodes?: string[] | null;

  @Field(() => [String], { nullable: true, description: '行业 Only projects of these sectors.' })
  sectors?: string[] | null;

  @Field(() => [Stage], {
    nullable: true,
    description: '当前阶段 Only projects whose current stage is one of these (CANCELLED if cancelled, else the furthest stage reached).',
  })
  stages?: Stage[] | null;

  @Field(() => [String], { nullable: true, description: '投资企业 Only projects in which any of these enterprises invests (credit codes).' })
  investorCreditCodes?: string[] | null;
}

/** The area scope of a project filter, deprecated spellings included (`field` names the filter, e.g. `filter`). */
export function projectAreaScope(f: ProjectScopeFilter | null | undefined, field = 'filter'): AreaScope {
  return areaScope(`${field}.area`, f?.area, [{ field: `${field}.areaCodes`, codes: f?.areaCodes }], f?.mountain);
}

/** `column = any(…)` over one array parameter, or `false` for an empty list. */
export function inList(sql: Sql, column: string, values: readonly (string | number)[]): string {
  return sql.any(column, values.map(String));
}

/** Whether a project filter has conditions the rollups do not carry (current stage, investors). */
export function needsProjects(f: ProjectScopeFilter | null | undefined): boolean {
  return Boolean(f?.stages || f?.investorCreditCodes);
}

/**
 * SQL conditions of a project filter on the project's host area column `host` (`p.host_id`, or a
 * rollup's `r.host_id`), pairing `pr` (left joined) and `area_ancestry` row `al` (left joined on the
 * host), and on project `p` for the conditions only base tables carry (stages, investors, sector
 * column `sector`).
 */
export function projectScopeSql(
  sql: Sql,
  f: ProjectScopeFilter | null | undefined,
  cols: { host: string; sector: string } = { host: 'p.host_id', sector: 'p.sector' },
): { ctes: string[]; where: string[] } {
  const where: string[] = [];
  if (!f) return { ctes: [], where };
  const scope = projectAreaScope(f);
  for (const c of areaScopeConditions({ within: scope.within, mountain: [] }, [cols.host])) where.push(sql.cond(c));
  for (const m of scope.mountain) where.push(`coalesce(al.mountain, false) = ${sql.v(m, 'boolean')}`);
  if (f.schemes) where.push(inList(sql, 'pr.scheme', f.schemes));
  if (f.pairingCodes)
    where.push(
      inList(
        sql,
        'pr.code',
        f.pairingCodes.map((c) => c.trim()),
      ),
    );
  if (f.sectors)
    where.push(
      inList(
        sql,
        cols.sector,
        f.sectors.map((s) => s.trim()),
      ),
    );
  if (f.stages) {
    where.push(inList(sql, '(select s.stage from project_stage s where s.project_id = p.id order by stage_rank(s.stage) desc limit 1)', f.stages));
  }
  if (f.investorCreditCodes) {
    where.push(
      `exists (select 1 from project_investor pi0 join enterprise e0 on e0.id = pi0.enterprise_id where pi0.project_id = p.id and ${inList(
        sql,
        'e0.credit_code',
        f.investorCreditCodes.map(normalizeCreditCode),
      )})`,
    );
  }
  return { ctes: [], where };
}

/** The code checks of a project scope filter under `field` (e.g. `filter`). */
export function projectScopeCodes(f: ProjectScopeFilter | null | undefined, field: string): KnownCodes[] {
  if (!f) return [];
  return [
    ...areaScopeCodes(projectAreaScope(f, field)),
    { field: `${field}.pairingCodes`, table: 'pairing', column: 'code', codes: f.pairingCodes?.map((c) => c.trim()) },
    { field: `${field}.investorCreditCodes`, table: 'enterprise', column: 'credit_code', codes: f.investorCreditCodes?.map(normalizeCreditCode) },
  ];
}
