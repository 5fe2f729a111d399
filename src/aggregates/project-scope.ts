import { Field, InputType } from 'type-graphql';
import type { RequestContext } from '../common/context.js';
import { ProblemList } from '../common/errors.js';
import { normalizeCreditCode } from '../enterprise/credit-code.js';
import { PairingScheme } from '../pairing/pairing.enums.js';
import { Stage } from '../project/project.enums.js';
import { AREA_LEVELS_CTE, Sql, subtreeByCodes } from './sql.js';

/** Project conditions shared by the funds-landed and project-tier filters (a base class; not in the schema by itself). */
@InputType('ProjectScopeFilter', { description: '项目范围 Project conditions shared by aggregate filters.' })
export abstract class ProjectScopeFilter {
  @Field(() => [String], { nullable: true, description: '区域 Projects hosted in any of these areas or anywhere under them (division codes).' })
  areaCodes?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: '山区镇 Only projects hosted in a mountain town or under one (true), or only the others (false).' })
  mountain?: boolean | null;

  @Field(() => [PairingScheme], { nullable: true, description: '结对机制 Only projects signed under a pairing of one of these schemes.' })
  schemes?: PairingScheme[] | null;

  @Field(() => [String], { nullable: true, description: '结对编号 Only projects signed under one of these pairings (codes).' })
  pairingCodes?: string[] | null;

  @Field(() => [String], { nullable: true, description: '行业 Only projects of these sectors.' })
  sectors?: string[] | null;

  @Field(() => [Stage], { nullable: true, description: '当前阶段 Only projects whose current stage is one of these (CANCELLED if cancelled, else the furthest stage reached).' })
  stages?: Stage[] | null;

  @Field(() => [String], { nullable: true, description: '投资企业 Only projects in which any of these enterprises invests (credit codes).' })
  investorCreditCodes?: string[] | null;
}

/** `column in (…)`, or `false` for an empty list. */
export function inList(sql: Sql, column: string, values: readonly (string | number | boolean)[]): string {
  return values.length === 0 ? 'false' : `${column} in (${sql.list(values)})`;
}

/**
 * SQL conditions of a project filter on project `p`, pairing `pr` (left joined) and `area_levels`
 * row `al` (left joined on the host), plus the CTEs they need.
 */
export function projectScopeSql(sql: Sql, f: ProjectScopeFilter | null | undefined): { ctes: string[]; where: string[] } {
  const ctes = [AREA_LEVELS_CTE];
  const where: string[] = [];
  if (!f) return { ctes, where };
  if (f.areaCodes) {
    if (f.areaCodes.length === 0) where.push('false');
    else {
      ctes.push(subtreeByCodes(sql, 'area_scope', f.areaCodes.map((c) => c.trim())));
      where.push('p.host_id in (select id from area_scope)');
    }
  }
  if (f.mountain !== null && f.mountain !== undefined) where.push(`coalesce(al.mountain, false) = ${sql.v(f.mountain)}`);
  if (f.schemes) where.push(inList(sql, 'pr.scheme', f.schemes));
  if (f.pairingCodes) where.push(inList(sql, 'pr.code', f.pairingCodes.map((c) => c.trim())));
  if (f.sectors) where.push(inList(sql, 'p.sector', f.sectors.map((s) => s.trim())));
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
  return { ctes, where };
}

/** A list of natural keys a filter names, to be checked for existence. */
export interface KnownCodes {
  field: string;
  table: 'area' | 'pairing' | 'enterprise';
  column: string;
  codes: readonly string[] | null | undefined;
  /** a further SQL condition on the table the code must meet */
  condition?: string;
  /** what the code must name, for the message (default: the table) */
  what?: string;
}

/**
 * Refuses codes that name nothing (a typo would otherwise read as "no money landed there"):
 * one statement for all the lists, none when no codes are given.
 */
export async function checkKnownCodes(ctx: RequestContext, lists: KnownCodes[]): Promise<void> {
  const sql = new Sql(ctx);
  const parts: string[] = [];
  for (const list of lists) {
    list.codes?.forEach((code, i) => {
      parts.push(
        `select ${sql.v(`${list.field}[${i}]`)}::text as field, ${sql.v(code)}::text as code ` +
          `where not exists (select 1 from ${list.table} where ${list.column} = ${sql.v(code)}${list.condition ? ` and ${list.condition}` : ''})`,
      );
    });
  }
  if (parts.length === 0) return;
  const unknown = await sql.run<{ field: string; code: string }>(parts.join(' union all '));
  const problems = new ProblemList();
  for (const u of unknown) {
    const list = lists.find((l) => u.field.startsWith(`${l.field}[`))!;
    problems.add(u.field, `no ${list.what ?? list.table} has code ${u.code}`, u.code);
  }
  problems.throwIfAny();
}

/** The code checks of a project scope filter under `field` (e.g. `filter`). */
export function projectScopeCodes(f: ProjectScopeFilter | null | undefined, field: string): KnownCodes[] {
  if (!f) return [];
  return [
    { field: `${field}.areaCodes`, table: 'area', column: 'code', codes: f.areaCodes?.map((c) => c.trim()) },
    { field: `${field}.pairingCodes`, table: 'pairing', column: 'code', codes: f.pairingCodes?.map((c) => c.trim()) },
    { field: `${field}.investorCreditCodes`, table: 'enterprise', column: 'credit_code', codes: f.investorCreditCodes?.map(normalizeCreditCode) },
  ];
}
