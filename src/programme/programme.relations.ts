import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../common/context.js';
import { byIdLoader, nestedListLoader } from '../common/query.js';
import { Pairing } from '../pairing/pairing.entity.js';
import { Project } from '../project/project.entity.js';
import { Workshop } from '../workshop/workshop.entity.js';
import { Programme } from './programme.entity.js';

const programmeOf = (ctx: RequestContext, row: { programme?: Programme | null }) => (row.programme ? byIdLoader(ctx, Programme).load(row.programme.id) : null);
const PROGRAMME_FIELD = { nullable: true, description: '计划 The programme (计划/机制) this record belongs to, if any.' };

/** `Pairing.programme`. */
@Resolver(() => Pairing)
export class PairingProgrammeResolver {
  @FieldResolver(() => Programme, PROGRAMME_FIELD)
  programme(@Root() row: Pairing, @Ctx() ctx: RequestContext) {
    return programmeOf(ctx, row);
  }
}

/** `Project.programme`. */
@Resolver(() => Project)
export class ProjectProgrammeResolver {
  @FieldResolver(() => Programme, PROGRAMME_FIELD)
  programme(@Root() row: Project, @Ctx() ctx: RequestContext) {
    return programmeOf(ctx, row);
  }
}

/** `Workshop.programme`. */
@Resolver(() => Workshop)
export class WorkshopProgrammeResolver {
  @FieldResolver(() => Programme, PROGRAMME_FIELD)
  programme(@Root() row: Workshop, @Ctx() ctx: RequestContext) {
    return programmeOf(ctx, row);
  }
}

/** `Programme.pairings`, `.projects`, `.workshops`: the records that belong to it. */
@Resolver(() => Programme)
export class ProgrammeMembersResolver {
  @FieldResolver(() => [Pairing], { description: '结对 Pairings that belong to this programme, by code (e.g. 飞地抱团 among villages).' })
  pairings(@Root() row: Programme, @Ctx() ctx: RequestContext) {
    return nestedListLoader(ctx, 'Programme.pairings', Pairing, { from: 'pairing t', match: 't.programme_id = p._parent' }, [
      { column: 'code', direction: 'asc' },
    ]).load(row.id);
  }

  @FieldResolver(() => [Project], { description: '项目 Projects that belong to this programme, by code.' })
  projects(@Root() row: Programme, @Ctx() ctx: RequestContext) {
    return nestedListLoader(ctx, 'Programme.projects', Project, { from: 'project t', match: 't.programme_id = p._parent' }, [
      { column: 'code', direction: 'asc' },
    ]).load(row.id);
  }

  @FieldResolver(() => [Workshop], { description: '共富工坊 Workshops that belong to this programme, by name.' })
  workshops(@Root() row: Programme, @Ctx() ctx: RequestContext) {
    return nestedListLoader(ctx, 'Programme.workshops', Workshop, { from: 'workshop t', match: 't.programme_id = p._parent' }, [
      { column: 'name', direction: 'asc' },
    ]).load(row.id);
  }
}
