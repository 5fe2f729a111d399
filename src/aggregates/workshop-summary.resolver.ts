import { Arg, Ctx, Field, FieldResolver, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../common/context.js';
import { UNIT_ARG } from '../common/inputs.js';
import { MoneyScalar, MoneyUnit } from '../common/scalars.js';
import { WorkshopFilter } from '../workshop/workshop.inputs.js';
import { workshopWhere } from '../workshop/workshop.resolver.js';
import { quotientIn, SCALE_ARG } from './money.js';

/** Totals over common-prosperity workshops. */
@ObjectType({ description: '共富工坊汇总 Totals over the workshops matching a filter.' })
export class WorkshopSummary {
  @Field(() => Int, { description: '工坊数 Number of workshops.' })
  workshopCount!: number;

  @Field(() => Int, { description: '带动就业人数 People employed, summed.' })
  jobsCreated!: number;

  @Field(() => Int, { description: '其中低收入 Of them, low-income people, summed.' })
  lowIncomeJobs!: number;

  /** Σ jobs × gain over workshops that report a gain, and Σ jobs over them (exact decimals). */
  weightedGain!: string;
  reportingJobs!: string;
}

@Resolver(() => WorkshopSummary)
export class WorkshopSummaryResolver {
  @Query(() => WorkshopSummary, { description: '共富工坊汇总 Number of workshops, jobs created and income gain per person, over a filter (computed in SQL).' })
  async workshopSummary(
    @Arg('filter', () => WorkshopFilter, { nullable: true, description: '筛选 Which workshops count.' }) filter: WorkshopFilter | null,
    @Ctx() ctx: RequestContext,
  ): Promise<WorkshopSummary> {
    const knex = ctx.em.getKnex();
    const qb = knex({ t: 'workshop' });
    workshopWhere(filter)(qb, knex);
    const [row] = await ctx.em.execute<Record<string, string>[]>(
      qb.select(
        knex.raw('count(*)::int as workshop_count'),
        knex.raw('coalesce(sum(t.jobs_created), 0)::int as jobs_created'),
        knex.raw('coalesce(sum(t.low_income_jobs), 0)::int as low_income_jobs'),
        knex.raw('coalesce(sum(t.jobs_created * t.income_gain_per_person), 0)::text as weighted_gain'),
        knex.raw('coalesce(sum(t.jobs_created) filter (where t.income_gain_per_person is not null), 0)::text as reporting_jobs'),
      ),
    );
    return Object.assign(new WorkshopSummary(), {
      workshopCount: Number(row.workshop_count),
      jobsCreated: Number(row.jobs_created),
      lowIncomeJobs: Number(row.low_income_jobs),
      weightedGain: row.weighted_gain,
      reportingJobs: row.reporting_jobs,
    });
  }

  @FieldResolver(() => MoneyScalar, {
    nullable: true,
    description: '人均年增收 Income gain per person per year, averaged over the workshops that report it, weighted by their jobs; null when none reports it.',
  })
  incomeGainPerPerson(
    @Root() s: WorkshopSummary,
    @Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit,
    @Arg('scale', () => Int, { ...SCALE_ARG, defaultValue: 2 }) scale: number,
  ): string | null {
    return quotientIn(s.weightedGain, s.reportingJobs, unit, scale);
  }
}


