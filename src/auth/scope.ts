import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import type { Principal } from './principal.js';

/** Which scoped roles may write a kind of record at all (admin and editor always may; reader never). */
export interface KindAccess {
  /** Noun for messages, e.g. "workshops". */
  noun: string;
  area: boolean;
  partner: boolean;
}

/** Where one record belongs, for the scope check. */
export interface WriteTarget {
  /** Areas the record hangs on (internal ids). An area caller needs all of them (or, with `anyArea`, one) in its subtree. */
  areaIds: number[];
  anyArea?: boolean;
  /** Enterprises the record belongs to (internal ids). A partner caller's enterprise must be one of them. */
  enterpriseIds: number[];
}

export class UnauthenticatedError extends GraphQLError {
  constructor(message: string) {
    super(`Unauthenticated: ${message}`, { extensions: { code: 'UNAUTHENTICATED' } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message: string, principal: Principal, record?: string) {
    super(`Forbidden: ${message}`, { extensions: { code: 'FORBIDDEN', record, scope: scopeOf(principal) } });
  }
}

/** The caller's scope as shown in errors: role and bound area or enterprise. */
export function scopeOf(principal: Principal): { role: string; areaCode?: string; creditCode?: string } {
  return { role: principal.role, areaCode: principal.areaCode, creditCode: principal.creditCode };
}

function describeScope(principal: Principal): string {
  if (principal.role === 'area') return `an area credential for ${principal.areaCode} and the areas under it`;
  if (principal.role === 'partner') return `a partner credential for enterprise ${principal.creditCode}`;
  return `a ${principal.role} credential`;
}

/** Any write: anonymous callers are UNAUTHENTICATED, readers FORBIDDEN. Returns the caller. */
export function requireWriter(ctx: { principal?: Principal }): Principal {
  const principal = ctx.principal;
  if (!principal) throw new UnauthenticatedError('writing needs a credential (Authorization: Bearer <API key or token>)');
  if (principal.role === 'reader') throw new ForbiddenError('a reader credential may only read', principal);
  return principal;
}

/** Only admins (keys, audit log). */
export function requireAdmin(ctx: { principal?: Principal }, what: string): Principal {
  const principal = ctx.principal;
  if (!principal) throw new UnauthenticatedError(`${what} needs an admin credential`);
  if (principal.role !== 'admin') throw new ForbiddenError(`${what} is for admin credentials only; this is ${describeScope(principal)}`, principal);
  return principal;
}

/** Whether the caller's role may write this kind of record at all. */
export function checkKindAccess(principal: Principal, access: KindAccess): void {
  if (principal.role === 'admin' || principal.role === 'editor') return;
  const allowed = (principal.role === 'area' && access.area) || (principal.role === 'partner' && access.partner);
  if (!allowed) throw new ForbiddenError(`${describeScope(principal)} may not write ${access.noun}`, principal);
}

/** Ids among `ids` that lie in the subtree of the area with this code (the area itself included). */
async function idsInSubtree(tx: EntityManager, areaCode: string, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.execute<{ start: number }[]>(
    `with recursive up (start, id, parent_id) as (
       select id, id, parent_id from area where id in (${ids.map(() => '?').join(', ')})
       union all select up.start, a.id, a.parent_id from area a join up on a.id = up.parent_id)
     select distinct start from up where id = (select id from area where code = ?)`,
    [...ids, areaCode],
  );
  return new Set(rows.map((r) => Number(r.start)));
}

/** The record `label` must lie in the caller's scope; FORBIDDEN names the record and the scope. */
export async function checkScope(tx: EntityManager, principal: Principal, access: KindAccess, target: WriteTarget, label: string): Promise<void> {
  checkKindAccess(principal, access);
  if (principal.role === 'admin' || principal.role === 'editor') return;
  let inside = false;
  if (principal.role === 'area' && target.areaIds.length > 0) {
    const found = await idsInSubtree(tx, principal.areaCode!, target.areaIds);
    inside = target.anyArea ? found.size > 0 : target.areaIds.every((id) => found.has(id));
  } else if (principal.role === 'partner' && target.enterpriseIds.length > 0) {
    const rows = await tx.execute<{ id: number }[]>('select id from enterprise where credit_code = ?', [principal.creditCode]);
    inside = rows.length === 1 && target.enterpriseIds.includes(Number(rows[0]!.id));
  }
  if (!inside) throw new ForbiddenError(`${label} is outside the scope of ${describeScope(principal)}`, principal, label);
}

/** Host area and investors of a project, for the scope of the project and its stages and fund flows. */
export async function projectTarget(tx: EntityManager, projectId: number): Promise<WriteTarget> {
  const rows = await tx.execute<{ host_id: number; enterprise_id: number | null }[]>(
    'select p.host_id, i.enterprise_id from project p left join project_investor i on i.project_id = p.id where p.id = ?',
    [projectId],
  );
  return {
    areaIds: rows.length > 0 ? [Number(rows[0]!.host_id)] : [],
    enterpriseIds: rows.filter((r) => r.enterprise_id !== null).map((r) => Number(r.enterprise_id)),
  };
}

/** Sets who is writing for the audit triggers, for the rest of the transaction. */
export async function setAuditContext(
  tx: EntityManager,
  principal: Principal,
  requestId: string | undefined,
  operation: string,
  runId?: string,
): Promise<void> {
  await tx.execute(
    `select set_config('registry.actor', ?, true), set_config('registry.role', ?, true), set_config('registry.request_id', ?, true),
            set_config('registry.operation', ?, true), set_config('registry.run_id', ?, true)`,
    [principal.id, principal.role, requestId ?? '', operation, runId ?? ''],
  );
}
