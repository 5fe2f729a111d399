import { Arg, Args, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { NotFoundError } from '../common/errors.js';
import { keysetRows } from '../common/query.js';
import { ApiKeyInfo, AuditEntry, AuditEntryConnection, AuditLogFilter, IssuedApiKey } from './auth.types.js';
import { createApiKey, listApiKeys, revokeApiKey } from './keys.js';
import type { Role } from './principal.js';
import { requireAdmin } from './scope.js';

const AUDIT_COLUMNS = `t.id::text as id, t.at, t.actor, t.role, t.request_id as "requestId", t.run_id::text as "runId", t.operation, t.action,
  t.record_kind as "recordKind", t.record_key as "recordKey", t.before, t.after, t.details`;

/** The audit trail and API keys: admin credentials only. */
@Resolver()
export class AuthResolver {
  @Query(() => AuditEntryConnection, { description: '审计日志 The audit trail, newest first (admin only).' })
  async auditLog(
    @Args() page: ConnectionArgs,
    @Arg('filter', () => AuditLogFilter, { nullable: true, description: '筛选 Filter.' }) filter: AuditLogFilter | null,
    @Ctx() ctx: RequestContext,
  ) {
    requireAdmin(ctx, 'the audit log');
    const where: { sql: string; bindings: unknown[] }[] = [];
    const add = (sql: string, value: unknown) => where.push({ sql, bindings: [value] });
    if (filter?.actor) add('t.actor = ?', filter.actor);
    if (filter?.recordKind) add('t.record_kind = ?', filter.recordKind);
    if (filter?.key) add('t.record_key = ?', filter.key);
    if (filter?.runId) add('t.run_id::text = ?', filter.runId);
    if (filter?.from) add('t.at >= ?', filter.from);
    if (filter?.to) add('t.at < ?', filter.to);
    return keysetRows(ctx, {
      from: 'audit_log t',
      where,
      select: AUDIT_COLUMNS,
      keys: [{ column: 'id', direction: 'desc', nullsFirst: true, sqlType: 'bigint', nullable: false }],
      map: (r) => ({ ...(r as unknown as AuditEntry), at: new Date(r.at as string) }),
      args: page,
    });
  }

  @Query(() => [ApiKeyInfo], { description: '访问密钥 Every API key, active or not (admin only).' })
  apiKeys(@Ctx() ctx: RequestContext) {
    requireAdmin(ctx, 'the list of API keys');
    return listApiKeys(ctx.em);
  }

  @Mutation(() => IssuedApiKey, { description: '签发密钥 Issue an API key (admin only); the key is in this response only.' })
  async createApiKey(
    @Arg('role', { description: '角色 admin, editor, area, partner or reader.' }) role: string,
    @Arg('label', { description: '标签 Who or what the key is for.' }) label: string,
    @Arg('areaCode', () => String, { nullable: true, description: '区域 Area code, for an area key.' }) areaCode: string | null,
    @Arg('creditCode', () => String, { nullable: true, description: '企业 Credit code, for a partner key.' }) creditCode: string | null,
    @Arg('expires', () => String, { nullable: true, description: '到期 Last valid day (YYYY-MM-DD, China time) or an ISO timestamp.' }) expires: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    const admin = requireAdmin(ctx, 'issuing keys');
    const { key, row } = await createApiKey(ctx.em, {
      role: role as Role,
      label,
      areaCode: areaCode ?? undefined,
      creditCode: creditCode ?? undefined,
      expires: expires ?? undefined,
      createdBy: admin.id,
    });
    return { key, info: row };
  }

  @Mutation(() => ApiKeyInfo, { description: '吊销密钥 Revoke an API key (admin only); refused from the next request on.' })
  async revokeApiKey(@Arg('id', () => Int, { description: '编号 Key id.' }) id: number, @Ctx() ctx: RequestContext) {
    const admin = requireAdmin(ctx, 'revoking keys');
    const row = await revokeApiKey(ctx.em, id, admin.id);
    if (!row) throw new NotFoundError('ApiKey', String(id), 'id');
    return row;
  }
}
