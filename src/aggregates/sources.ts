import { Arg, Field, Int, ObjectType } from 'type-graphql';
import { UNIT_ARG } from '../common/inputs.js';
import { MoneyScalar, MoneyUnit } from '../common/scalars.js';
import { moneyIn, SCALE_ARG } from './money.js';
import type { Sql } from './sql.js';

/**
 * A record counts as illustrative when its `source` starts with "illustrative" (any case, leading
 * blanks ignored): the seed workbook's and the brief's convention for filled-in rows. Every other
 * source is a citation.
 */
export const isIllustrative = (column: string) => `lower(btrim(${column})) like 'illustrative%'`;

/** What the database returns for a source breakdown. */
interface SourcesRow {
  records: number;
  illustrative_records: number;
  amount: string | null;
  illustrative_amount: string | null;
}

@ObjectType('SourceBreakdown', {
  description:
    '数据来源构成 How much of an aggregate’s data is cited from a source and how much is illustrative: a record is illustrative ' +
    'when its `source` starts with "illustrative" (the seed workbook’s filled-in rows), cited otherwise. Which records an aggregate ' +
    'weighs is said on its `sources` field.',
})
export class SourceBreakdown {
  @Field(() => Int, { description: '记录数 Records behind the aggregate.' })
  records = 0;

  @Field(() => Int, { description: '示意记录数 Of them, illustrative records.' })
  illustrativeRecords = 0;

  @Field(() => Int, { description: '引用记录数 Of them, records citing a source (records − illustrativeRecords).' })
  citedRecords(): number {
    return this.records - this.illustrativeRecords;
  }

  /** Exact decimal yuan; null when the records carry no amount. */
  amountYuan: string | null = null;
  illustrativeYuan: string | null = null;

  @Field(() => MoneyScalar, { nullable: true, description: '金额 The records’ amounts, summed; null when the records carry no amount (workshops).' })
  amount(@Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit, @Arg('scale', () => Int, SCALE_ARG) scale: number | null): string | null {
    return this.amountYuan === null ? null : moneyIn(this.amountYuan, unit, scale);
  }

  @Field(() => MoneyScalar, { nullable: true, description: '示意金额 Of it, the amounts of illustrative records; null when the records carry no amount.' })
  illustrativeAmount(@Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit, @Arg('scale', () => Int, SCALE_ARG) scale: number | null): string | null {
    return this.illustrativeYuan === null ? null : moneyIn(this.illustrativeYuan, unit, scale);
  }
}

/**
 * Counts the records of `records` (a select with columns `_source` and, when `withAmount`, `amount`)
 * and sums their amounts, in all and for the illustrative ones: one statement.
 */
export async function sourceBreakdown(sql: Sql, q: { ctes: string[]; records: string; withAmount: boolean }): Promise<SourceBreakdown> {
  const illustrative = isIllustrative('r._source');
  const amounts = q.withAmount
    ? `coalesce(sum(r.amount), 0)::text as amount, coalesce(sum(r.amount) filter (where ${illustrative}), 0)::text as illustrative_amount`
    : 'null::text as amount, null::text as illustrative_amount';
  const [row] = await sql.run<SourcesRow>(
    `${q.ctes.length ? `with ${q.ctes.join(',\n')}\n` : ''}` +
      `select count(*)::int as records, count(*) filter (where ${illustrative})::int as illustrative_records, ${amounts} from (${q.records}) r`,
  );
  return Object.assign(new SourceBreakdown(), {
    records: Number(row?.records ?? 0),
    illustrativeRecords: Number(row?.illustrative_records ?? 0),
    amountYuan: q.withAmount ? (row?.amount ?? '0') : null,
    illustrativeYuan: q.withAmount ? (row?.illustrative_amount ?? '0') : null,
  });
}

/** Field options of `sources` on an aggregate root; `what` says which records it weighs. */
export const sourcesField = (what: string) => ({
  description: `来源构成 How much of this aggregate’s data is cited and how much illustrative: ${what}. Over the whole filter (not per group, not cut by \`first\`); one more SQL statement, run only when asked.`,
});

/** A root aggregate's `sources`, computed only when a client asks for the field. */
export interface WithSources {
  loadSources?: () => Promise<SourceBreakdown>;
}

/** The `sources` of a root aggregate, as its resolver set it up. */
export function loadSourcesOf(o: WithSources): Promise<SourceBreakdown> {
  if (!o.loadSources) throw new Error('sources: the resolver did not set them up');
  return o.loadSources();
}
