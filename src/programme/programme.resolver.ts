import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { byIdLoader, findOneBy, likeContains, listConnection, nestedListLoader, type Where } from '../common/query.js';
import { Indicator } from '../indicator/indicator.entity.js';
import { PROGRAMME_CODE } from './programme.code.js';
import { Programme, ProgrammeDocument, ProgrammeEvent } from './programme.entity.js';
import { ProgrammeFilter, ProgrammeInput } from './programme.inputs.js';
import { createProgramme, deleteProgramme, updateProgramme } from './programme.service.js';
import { ProgrammeConnection } from './programme.types.js';

function programmeWhere(filter: ProgrammeFilter | null | undefined): Where {
  return (qb) => {
    if (!filter) return;
    if (filter.kinds) qb.whereIn('t.kind', filter.kinds);
    if (filter.codes)
      qb.whereIn(
        't.code',
        filter.codes.map((c) => c.trim()),
      );
    if (filter.nameContains) {
      const like = likeContains(filter.nameContains.trim());
      qb.where((w) => w.whereRaw(`t.name_zh like ? escape '\\'`, [like]).orWhereRaw(`t.name_en ilike ? escape '\\'`, [like]));
    }
  };
}

/** Queries, fields and mutations of programmes. */
@Resolver(() => Programme)
export class ProgrammeResolver {
  @Query(() => ProgrammeConnection, { description: '计划列表 Programmes, mechanisms, pilots and policy packages, by code, as a cursor connection.' })
  programmes(
    @Args() page: ConnectionArgs,
    @Arg('filter', () => ProgrammeFilter, { nullable: true, description: '筛选 Filter.' }) filter: ProgrammeFilter | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listConnection(ctx, Programme, programmeWhere(filter), [{ column: 'code', direction: 'asc' }], page, { info, joins: ['leadArea'] });
  }

  @Query(() => Programme, { nullable: true, description: '计划 The programme with this code; null if there is none.' })
  programme(@Arg('code', { description: '编码 Programme code.' }) code: string, @Ctx() ctx: RequestContext) {
    return findOneBy(ctx, Programme, 'code', PROGRAMME_CODE.normalise(code));
  }

  @FieldResolver(() => Area, { nullable: true, description: '牵头区域 The lead area, if the lead is an area.' })
  leadArea(@Root() row: Programme, @Ctx() ctx: RequestContext) {
    return row.leadArea ? byIdLoader(ctx, Area).load(row.leadArea.id) : null;
  }

  @FieldResolver(() => [ProgrammeDocument], { description: '政策文件 Policy documents, oldest first (undated last).' })
  documents(@Root() row: Programme, @Ctx() ctx: RequestContext) {
    return nestedListLoader(ctx, 'Programme.documents', ProgrammeDocument, { from: 'programme_document t', match: 't.programme_id = p._parent' }, [
      { column: 'issued_on', direction: 'asc' },
    ]).load(row.id);
  }

  @FieldResolver(() => [ProgrammeEvent], { description: '事件 Events, oldest first.' })
  events(@Root() row: Programme, @Ctx() ctx: RequestContext) {
    return nestedListLoader(ctx, 'Programme.events', ProgrammeEvent, { from: 'programme_event t', match: 't.programme_id = p._parent' }, [
      { column: 'occurred_on', direction: 'asc' },
    ]).load(row.id);
  }

  @FieldResolver(() => [Indicator], { description: '指标 The indicators that monitor this programme, by code.' })
  indicators(@Root() row: Programme, @Ctx() ctx: RequestContext) {
    return nestedListLoader(ctx, 'Programme.indicators', Indicator, { from: 'indicator t', match: 't.programme_id = p._parent' }, [
      { column: 'code', direction: 'asc' },
    ]).load(row.id);
  }

  @Mutation(() => Programme, { description: '新建计划 Create a programme (admin or editor).' })
  createProgramme(@Arg('input', () => ProgrammeInput, { description: '字段 Fields.' }) input: ProgrammeInput, @Ctx() ctx: RequestContext) {
    return createProgramme(ctx, input);
  }

  @Mutation(() => Programme, { description: '修改计划 Update the programme with this code; only given fields change.' })
  updateProgramme(
    @Arg('code', { description: '编码 Code of the programme to change.' }) code: string,
    @Arg('input', () => ProgrammeInput, { description: '字段 Fields to change.' }) input: ProgrammeInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateProgramme(ctx, code, input);
  }

  @Mutation(() => ID, { description: '删除计划 Delete the programme with this code (CONFLICT while indicators refer to it). Returns its ID.' })
  deleteProgramme(@Arg('code', { description: '编码 Code.' }) code: string, @Ctx() ctx: RequestContext) {
    return deleteProgramme(ctx, code);
  }
}
