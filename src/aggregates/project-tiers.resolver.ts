import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../common/context.js';
import { ProblemList } from '../common/errors.js';
import { checkDimensions, checkFirst, type Dimension, FIRST_GROUPS_ARG, groupedStatement, type KeyRow, splitGrouped } from './grouping.js';
import { periodBounds } from './period.input.js';
import { checkKnownCodes, needsProjects, projectScopeCodes } from './project-scope.js';
import { PROJECT_TIERS_GROUP_ORDER, ProjectTiersFilter, ProjectTiersGrouping, ProjectTiersGroupOrder } from './project-tiers.inputs.js';
import { projectTiersFacts, projectTiersMeasures, projectTiersRollupMeasures, type TierBounds, tierRollupFacts } from './project-tiers.sql.js';
import { ProjectTiers, ProjectTiersGroup, type ProjectTiersRow } from './project-tiers.types.js';
import { alignedTo } from './rollup-grain.js';
import { sourceBreakdown } from './sources.js';
import { Sql } from './sql.js';

/** Checks the periods of a tiers filter under `field`. */
export function tierBounds(filter: ProjectTiersFilter | null | undefined, field: string, problems: ProblemList): TierBounds {
  return {
    signed: periodBounds(filter?.signed, `${field}.signed`, problems),
    landed: filter?.landed ? periodBounds(filter.landed, `${field}.landed`, problems) : null,
  };
}

/** `projectTiers`: signed projects per cumulative tier threshold, counted in SQL. */
@Resolver()
export class ProjectTiersResolver {
  @Query(() => ProjectTiers, {
    description:
      '项目档次 Signed projects over the filter: their number and signed investment in all and per cumulative tier ' +
      '(≥1亿, ≥10亿, ≥50亿), optionally grouped. Count landed projects with `filter.landed`.',
  })
  async projectTiers(
    @Arg('filter', () => ProjectTiersFilter, { nullable: true, description: '筛选 Which projects count.' }) filter: ProjectTiersFilter | null,
    @Arg('groupBy', () => [ProjectTiersGrouping], { nullable: true, description: '分组 Dimensions to group by, in key order; at most one area level.' })
    groupBy: ProjectTiersGrouping[] | null,
    @Arg('orderBy', () => ProjectTiersGroupOrder, {
      defaultValue: ProjectTiersGroupOrder.KEY,
      description: '分组排序 Order of the groups; ties in group key order.',
    })
    orderBy: ProjectTiersGroupOrder,
    @Arg('first', () => Int, FIRST_GROUPS_ARG) first: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ProjectTiers> {
    const problems = new ProblemList();
    const bounds = tierBounds(filter, 'filter', problems);
    const dims = checkDimensions(groupBy, problems);
    const limit = checkFirst(first, problems);
    problems.throwIfAny();
    await checkKnownCodes(ctx, projectScopeCodes(filter, 'filter'));
    const sql = new Sql(ctx);
    const q = tiersFromRollup(filter, bounds, dims)
      ? { ctes: [], facts: tierRollupFacts(sql, filter, bounds), measures: projectTiersRollupMeasures() }
      : { ...projectTiersFacts(sql, filter, bounds), measures: projectTiersMeasures() };
    const rows = await sql.run<{ overall: ProjectTiersRow; grp: (ProjectTiersRow & KeyRow) | null; group_count: number }>(
      groupedStatement({ ...q, dims, orderFirst: PROJECT_TIERS_GROUP_ORDER[orderBy], limit: limit === null ? null : sql.v(limit, 'int') }),
    );
    const { overall, groups, groupCount } = splitGrouped(rows);
    const result = new ProjectTiers().setMeasures(overall);
    result.groups = groups.map((g) => new ProjectTiersGroup().setMeasures(g).setKeys(g).setLandedKeys(g));
    result.groupCount = groupCount;
    result.loadSources = () => {
      const sql = new Sql(ctx);
      const q = projectTiersFacts(sql, filter, bounds, { key: 'p.source' });
      return sourceBreakdown(sql, { ctes: q.ctes, records: `select x._key as _source, x.amount from (${q.facts}) x`, withAmount: true });
    };
    return result;
  }
}

/**
 * Whether `tier_rollup` answers a tiers query: its counts add up over months and areas (one row per
 * project), so any whole-month periods do, unless the filter needs project rows (stages, investors)
 * or the groups are per project or investor.
 */
export function tiersFromRollup(filter: ProjectTiersFilter | null | undefined, bounds: TierBounds, dims: readonly Dimension[]): boolean {
  if (needsProjects(filter) || dims.includes('PROJECT') || dims.includes('INVESTOR')) return false;
  return alignedTo(bounds.signed, 'M') && (bounds.landed === null || alignedTo(bounds.landed, 'M'));
}
