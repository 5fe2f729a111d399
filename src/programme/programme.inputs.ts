import { Field, InputType } from 'type-graphql';
import { AreaCodeScalar } from '../area/area.code.js';
import { LocalDateScalar } from '../common/scalars.js';
import { ProgrammeKind } from '../indicator/indicator.enums.js';
import { ProgrammeCodeScalar } from './programme.code.js';

/** Filter of the `programmes` list. */
@InputType({ description: '计划筛选 Filter for programmes; all given conditions must hold.' })
export class ProgrammeFilter {
  @Field(() => [ProgrammeKind], { nullable: true, description: '类型 Only these kinds.' })
  kinds?: ProgrammeKind[] | null;

  @Field(() => [String], { nullable: true, description: '编码 Only these programme codes.' })
  codes?: string[] | null;

  @Field(() => String, { nullable: true, description: '名称包含 Chinese or English name contains this text.' })
  nameContains?: string | null;
}

/** A policy document in a programme input. */
@InputType({ description: '政策文件输入 A policy document of a programme.' })
export class ProgrammeDocumentInput {
  @Field({ description: '标题 Title.' })
  title!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: '发布日期 Date issued, when known.' })
  issuedOn?: string | null;

  @Field({ description: '来源 Provenance.' })
  source!: string;
}

/** An event in a programme input. */
@InputType({ description: '事件输入 A dated event of a programme.' })
export class ProgrammeEventInput {
  @Field(() => LocalDateScalar, { description: '日期 Date (the first of the month when only the month is known).' })
  occurredOn!: string;

  @Field({ description: '事件 What happened.' })
  title!: string;

  @Field({ description: '来源 Provenance.' })
  source!: string;
}

/** Fields of a programme for create and (partial) update. */
@InputType({
  description:
    '计划输入 A programme’s fields. On create, code, nameZh, nameEn, kind and source are required; on update only given fields change. ' +
    '`documents` and `events`, when given, replace the whole list.',
})
export class ProgrammeInput {
  @Field(() => ProgrammeCodeScalar, { nullable: true, description: '编码 Code, 2–40 characters of A–Z, 0–9, _ and -.' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: '中文名称 Chinese name.' })
  nameZh?: string | null;

  @Field(() => String, { nullable: true, description: '英文名称 English name.' })
  nameEn?: string | null;

  @Field(() => ProgrammeKind, { nullable: true, description: '类型 Kind.' })
  kind?: ProgrammeKind | null;

  @Field(() => AreaCodeScalar, { nullable: true, description: '牵头区域 Division code of the lead area; null clears it.' })
  leadArea?: string | null;

  @Field(() => String, { nullable: true, description: '牵头单位 Lead body when not an area; null clears it.' })
  leadBody?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '开始日期 Start date; null clears it.' })
  startedOn?: string | null;

  @Field(() => [ProgrammeDocumentInput], { nullable: true, description: '政策文件 Policy documents (replaces the list).' })
  documents?: ProgrammeDocumentInput[] | null;

  @Field(() => [ProgrammeEventInput], { nullable: true, description: '事件 Events (replaces the list).' })
  events?: ProgrammeEventInput[] | null;

  @Field(() => String, { nullable: true, description: '来源 Provenance.' })
  source?: string | null;
}
