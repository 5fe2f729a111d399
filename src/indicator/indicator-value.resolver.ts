import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { areaScope, areaScopeCodes, whereAreaScope } from '../common/area-scope.js';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { compareYuan, ratio, roundDecimal, subYuan } from '../common/decimal.js';
import { BadInputError, ProblemList } from '../common/errors.js';
import { checkKnownCodes, trimmed } from '../common/known-codes.js';
import { byIdLoader, findOneBy, listConnection, mapRows, type Where } from '../common/query.js';
import { sqlRows } from '../db/sql.js';
import { displayGrowth, displayValue, type QualifierWord } from './display.js';
import { Indicator, IndicatorValue } from './indicator.entity.js';
import { Qualifier, UNIT_WORD } from './indicator.enums.js';
import { IndicatorValueFilter, IndicatorValueInput, IndicatorValueKeyInput, PeriodRangeInput } from './indicator.inputs.js';
import { hasPartsLoader, partValuesLoader, valueByKeyLoader } from './indicator.loaders.js';
import { IndicatorBreakdown, IndicatorGrowth, IndicatorSeries, IndicatorValueConnection } from './indicator.types.js';
import { createIndicatorValue, deleteIndicatorValue, findIndicatorValue, updateIndicatorValue } from './indicator-value.service.js';
import { nextPeriod, parsePeriod, type Period, PERIOD_RULE, periodDisplay, yearEarlier } from './period.js';

/** A stored numeric(24,2) as a canonical decimal string ("60.00" → "60"). */
const canonical = (v: string) => roundDecimal(v, 2);

/** Parses a period argument, or refuses it naming the field and the rule. */
function periodArg(field: string, text: string | null | undefined): Period | undefined {
  if (text === null || text === undefined) return undefined;
  const p = parsePeriod(text);
  if (!p) throw new BadInputError([{ field, rule: PERIOD_RULE, value: text }]);
  return p;
}

/** A range's two ends, of one kind. */
function rangeArg(field: string, range: PeriodRangeInput | null | undefined): { from?: Period; to?: Period } {
  const from = periodArg(`${field}.from`, range?.from);
  const to = periodArg(`${field}.to`, range?.to);
  if (from && to && from.kind !== to.kind)
    throw new BadInputError([{ field: `${field}.to`, rule: `must be the same kind of period as from (${from.kind})`, value: range?.to }]);
  if (from && to && from.start > to.start)
    throw new BadInputError([{ field: `${field}.to`, rule: `must not be before from (${from.text})`, value: range?.to }]);
  return { from, to };
}

const SUBTREE = (n: number) =>
  `with recursive sub as (select id from area where code in (${Array(n).fill('?').join(', ')}) union select a.id from area a join sub on a.parent_id = sub.id) select id from sub`;

function valueWhere(filter: IndicatorValueFilter | null | undefined): Where {
  const period = periodArg('filter.period', filter?.period);
  const range = rangeArg('filter.periods', filter?.periods);
  return (qb) => {
    if (!filter) return;
    const codes = [...(filter.indicator ? [filter.indicator] : []), ...(filter.indicators ?? [])].map((c) => c.trim());
    if (filter.indicator || filter.indicators) qb.whereIn('t.indicator_id', (sub) => sub.select('id').from('indicator').whereIn('code', codes));
    const scope = areaScope('filter.area', filter.area);
    for (const w of scope.within) {
      if (w.codes.length === 0) qb.whereRaw('false');
      // Note: an additive indicator takes the areas' subtrees; any other only the areas themselves.
      else
        qb.whereRaw(
          `((t.indicator_id in (select id from indicator where additive) and t.area_id in (${SUBTREE(w.codes.length)})) or t.area_id in (select id from area where code in (${w.codes.map(() => '?').join(', ')})))`,
          [...w.codes, ...w.codes],
        );
    }
    whereAreaScope(qb, { within: [], mountain: scope.mountain }, 't.area_id');
    if (period) qb.where('t.period', period.text);
    const kind = range.from?.kind ?? range.to?.kind;
    if (kind) qb.where('t.period_kind', kind);
    if (range.from) qb.where('t.period_start', '>=', range.from.start);
    if (range.to) qb.where('t.period_end', '<=', range.to.end);
    if (filter.derived !== null && filter.derived !== undefined) qb.where('t.derived', filter.derived);
  };
}

/** Queries, fields and mutations of indicator values. */
@Resolver(() => IndicatorValue)
export class IndicatorValueResolver {
  @Query(() => IndicatorValueConnection, {
    description:
      '指标值列表 Indicator values, filtered by indicator, area and period, latest period first, as a cursor connection; each with its qualifier, source and display text.',
  })
  async indicatorValues(
    @Args() page: ConnectionArgs,
    @Arg('filter', () => IndicatorValueFilter, { nullable: true, description: '筛选 Filter.' }) filter: IndicatorValueFilter | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const where = valueWhere(filter);
    await checkKnownCodes(ctx, [
      { field: 'filter.indicator', table: 'indicator', column: 'code', codes: filter?.indicator ? [filter.indicator.trim()] : null, single: true },
      { field: 'filter.indicators', table: 'indicator', column: 'code', codes: trimmed(filter?.indicators) },
      ...areaScopeCodes(areaScope('filter.area', filter?.area)),
    ]);
    return listConnection(ctx, IndicatorValue, where, [{ column: 'period_end', direction: 'desc' }], page, { info, joins: ['indicator', 'area'] });
  }

  @Query(() => IndicatorValue, { nullable: true, description: '指标值 The value with this key; null if there is none.' })
  async indicatorValue(
    @Arg('key', () => IndicatorValueKeyInput, { description: '键 Indicator, area and period.' }) key: IndicatorValueKeyInput,
    @Ctx() ctx: RequestContext,
  ) {
    periodArg('key.period', key.period);
    return findIndicatorValue(ctx.em, key);
  }

  @Query(() => IndicatorSeries, {
    description: '指标序列 One indicator’s values in one area over a range of periods of one kind (e.g. 2021 to 2023, or 2022-Q1 to 2023-Q1), oldest first.',
  })
  async indicatorSeries(
    @Arg('indicator', { description: '指标编码 Indicator code.' }) indicator: string,
    @Arg('area', { description: '区域代码 Division code of the area (the area itself; nothing is added up).' }) area: string,
    @Arg('periods', () => PeriodRangeInput, { description: '期别范围 First and last period, both required, of one kind.' }) periods: PeriodRangeInput,
    @Ctx() ctx: RequestContext,
  ): Promise<IndicatorSeries> {
    const p = new ProblemList();
    if (!periods.from) p.add('periods.from', 'is required');
    if (!periods.to) p.add('periods.to', 'is required');
    p.throwIfAny();
    const { from, to } = rangeArg('periods', periods);
    await checkKnownCodes(ctx, [
      { field: 'indicator', table: 'indicator', column: 'code', codes: [indicator.trim()], single: true },
      { field: 'area', table: 'area', column: 'code', codes: [area.trim()], single: true },
    ]);
    const ind = (await findOneBy(ctx, Indicator, 'code', indicator.trim()))!;
    const ar = (await findOneBy(ctx, Area, 'code', area.trim()))!;
    const rows = await sqlRows(
      ctx.em,
      'select t.* from indicator_value t where t.indicator_id = ? and t.area_id = ? and t.period_kind = ? and t.period_start >= ? and t.period_end <= ? order by t.period_end',
      [ind.id, ar.id, from!.kind, from!.start, to!.end],
    );
    const values = mapRows(ctx.em, IndicatorValue, rows);
    let all: string[];
    if (from!.kind === 'DATE') all = values.map((v) => v.period);
    else {
      all = [];
      for (let q: Period | null = from!; q && q.start <= to!.start && all.length < 1200; q = nextPeriod(q)) all.push(q.text);
    }
    const have = new Set(values.map((v) => v.period));
    return { indicator: ind, area: ar, periods: all, values, missing: all.filter((x) => !have.has(x)) };
  }

  @FieldResolver(() => Indicator, { description: '指标 The indicator.' })
  indicator(@Root() row: IndicatorValue, @Ctx() ctx: RequestContext) {
    return byIdLoader(ctx, Indicator).load(row.indicator.id);
  }

  @FieldResolver(() => Area, { description: '区域 The area the value is for.' })
  area(@Root() row: IndicatorValue, @Ctx() ctx: RequestContext) {
    return byIdLoader(ctx, Area).load(row.area.id);
  }

  @FieldResolver(() => String, {
    description:
      '数值 Exact decimal value in the indicator’s unit, as a string (e.g. "2239000000" for 22.39亿元); read `qualifier` beside it: "340" with AT_LEAST means 340余.',
  })
  value(@Root() row: IndicatorValue) {
    return canonical(row.value);
  }

  @FieldResolver(() => String, {
    description:
      '显示 The value as the article writes it, qualifier word and unit included: 340余人, 22.39亿元, 突破36万人, 超3000万元, 5770名 (rules in README, "Display rules").',
  })
  async display(@Root() row: IndicatorValue, @Ctx() ctx: RequestContext) {
    const ind = (await byIdLoader(ctx, Indicator).load(row.indicator.id))!;
    return displayValue(canonical(row.value), UNIT_WORD[ind.unit], (row.qualifierWord ?? null) as QualifierWord | null);
  }

  @FieldResolver(() => String, { description: '期别显示 The period as the article writes it: 2022年, 2023年一季度, 2023年3月, 截至2023年3月31日.' })
  periodLabel(@Root() row: IndicatorValue) {
    return periodDisplay(parsePeriod(row.period)!);
  }

  @FieldResolver(() => IndicatorGrowth, {
    nullable: true,
    description: '同比 Growth over the same period a year earlier, derived when both values exist; null when there is no earlier value.',
  })
  async growth(@Root() row: IndicatorValue, @Ctx() ctx: RequestContext): Promise<IndicatorGrowth | null> {
    const earlier = yearEarlier(parsePeriod(row.period)!);
    if (!earlier) return null;
    const previous = await valueByKeyLoader(ctx).load(`${row.indicator.id}|${row.area.id}|${earlier.text}`);
    if (!previous) return null;
    const zero = compareYuan(previous.value, '0') === 0;
    const rate = zero ? null : ratio(subYuan(row.value, previous.value), previous.value.replace(/^-/, ''), 4);
    const percent = rate === null ? null : ratio(rate, '0.01', 2);
    return {
      previous,
      change: subYuan(row.value, previous.value),
      rate: percent,
      display: percent === null ? null : displayGrowth(percent),
      basedOnDerived: previous.derived || row.derived,
      qualified: previous.qualifier !== Qualifier.EXACT || row.qualifier !== Qualifier.EXACT,
    };
  }

  @FieldResolver(() => IndicatorBreakdown, {
    nullable: true,
    description: '分项 The parts (其中) given for the same area and period; null when the indicator has no parts.',
  })
  async breakdown(@Root() row: IndicatorValue, @Ctx() ctx: RequestContext): Promise<IndicatorBreakdown | null> {
    if (!(await hasPartsLoader(ctx).load(row.indicator.id))) return null;
    const ind = (await byIdLoader(ctx, Indicator).load(row.indicator.id))!;
    const parts = await partValuesLoader(ctx).load(row.id);
    if (!ind.breakdownComplete) {
      return {
        complete: false,
        parts,
        remainder: null,
        note: `其中 ${parts.length} 项为部分列举，不构成总数 (partial breakdown: the ${parts.length} parts named do not add up to the whole)`,
      };
    }
    const remainder = parts.reduce((acc, v) => subYuan(acc, v.value), row.value);
    return {
      complete: true,
      parts,
      remainder,
      note: `分项完整 (complete breakdown: the parts add up to the whole${compareYuan(remainder, '0') === 0 ? '' : `; ${remainder} not yet given`})`,
    };
  }

  @Mutation(() => IndicatorValue, { description: '新建指标值 Record a value of an indicator for an area and period.' })
  createIndicatorValue(@Arg('input', () => IndicatorValueInput, { description: '字段 Fields.' }) input: IndicatorValueInput, @Ctx() ctx: RequestContext) {
    return createIndicatorValue(ctx, input);
  }

  @Mutation(() => IndicatorValue, { description: '修改指标值 Update the value with this key; only given fields change.' })
  updateIndicatorValue(
    @Arg('key', () => IndicatorValueKeyInput, { description: '键 Indicator, area and period of the value to change.' }) key: IndicatorValueKeyInput,
    @Arg('input', () => IndicatorValueInput, { description: '字段 Fields to change.' }) input: IndicatorValueInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateIndicatorValue(ctx, key, input);
  }

  @Mutation(() => ID, { description: '删除指标值 Delete the value with this key. Returns its ID.' })
  deleteIndicatorValue(
    @Arg('key', () => IndicatorValueKeyInput, { description: '键 Indicator, area and period.' }) key: IndicatorValueKeyInput,
    @Ctx() ctx: RequestContext,
  ) {
    return deleteIndicatorValue(ctx, key);
  }
}
