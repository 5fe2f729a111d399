import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ProblemList } from '../common/errors.js';
import { normalizeCreditCode } from '../enterprise/credit-code.js';
import { type Principal, type Role, ROLES } from './principal.js';

/** Every key starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const KEY_PREFIX = 'yhr_';
/** Random bytes in a key (base64url after the prefix: 43 characters). */
const KEY_BYTES = 32;

/** SHA-256 of the whole key, hex: the only form in which a key is stored. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateKey(): string {
  return KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url');
}

export function looksLikeKey(token: string): boolean {
  return token.startsWith(KEY_PREFIX);
}

export interface NewKey {
  role: Role;
  areaCode?: string;
  creditCode?: string;
  label: string;
  /** `YYYY-MM-DD` (valid through that day, China time) or an ISO timestamp. */
  expires?: string;
  /** Who issued it, for the audit log (e.g. `cli:alice`). */
  createdBy: string;
}

export interface KeyRow {
  id: number;
  prefix: string;
  role: Role;
  areaCode: string | null;
  creditCode: string | null;
  label: string;
  createdAt: Date;
  createdBy: string;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

const KEY_COLUMNS = `id, prefix, role, area_code as "areaCode", credit_code as "creditCode", label, created_at as "createdAt",
  created_by as "createdBy", last_used_at as "lastUsedAt", expires_at as "expiresAt", revoked_at as "revokedAt"`;

const asDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));

/** Raw rows carry timestamps as text: make them dates. */
function keyRow(raw: KeyRow): KeyRow {
  return {
    ...raw,
    id: Number(raw.id),
    createdAt: asDate(raw.createdAt)!,
    lastUsedAt: asDate(raw.lastUsedAt),
    expiresAt: asDate(raw.expiresAt),
    revokedAt: asDate(raw.revokedAt),
  };
}

/** Parses an expiry: a date means "through that day" in China Standard Time (UTC+8). */
export function parseExpiry(text: string): Date | undefined {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = day ? new Date(`${text}T00:00:00+08:00`) : new Date(text);
  if (Number.isNaN(date.getTime())) return undefined;
  if (day) date.setTime(date.getTime() + 24 * 3600 * 1000);
  return date;
}

/** Writes one audit entry for a key event (never the key or its hash). */
async function auditKey(tx: EntityManager, actor: string, operation: string, key: Partial<KeyRow>): Promise<void> {
  await tx.execute(
    `insert into audit_log (actor, role, operation, action, record_kind, record_key, details) values (?, 'admin', ?, 'KEY', 'ApiKey', ?, ?::jsonb)`,
    [
      actor,
      operation,
      String(key.id),
      JSON.stringify({
        prefix: key.prefix,
        role: key.role,
        areaCode: key.areaCode ?? undefined,
        creditCode: key.creditCode ?? undefined,
        label: key.label,
        expiresAt: key.expiresAt ?? undefined,
      }),
    ],
  );
}

/** Issues a key; returns its row and the key itself, which is never shown again. */
export async function createApiKey(em: EntityManager, spec: NewKey): Promise<{ key: string; row: KeyRow }> {
  const p = new ProblemList();
  p.check(ROLES.includes(spec.role), 'role', `must be one of ${ROLES.join(', ')}`, spec.role);
  const label = spec.label?.trim() ?? '';
  p.check(label.length >= 1 && label.length <= 200, 'label', 'must be 1 to 200 characters', spec.label);
  let areaCode: string | undefined;
  let creditCode: string | undefined;
  if (spec.role === 'area') {
    areaCode = spec.areaCode?.trim();
    if (!areaCode) p.add('area', 'is required for role area');
  } else p.check(spec.areaCode === undefined, 'area', 'only an area key is bound to an area', spec.areaCode);
  if (spec.role === 'partner') {
    creditCode = spec.creditCode ? normalizeCreditCode(spec.creditCode) : undefined;
    if (!creditCode) p.add('enterprise', 'is required for role partner');
  } else p.check(spec.creditCode === undefined, 'enterprise', 'only a partner key is bound to an enterprise', spec.creditCode);
  let expiresAt: Date | undefined;
  if (spec.expires !== undefined) {
    expiresAt = parseExpiry(spec.expires);
    if (!expiresAt) p.add('expires', 'must be a date (YYYY-MM-DD) or an ISO timestamp', spec.expires);
    else p.check(expiresAt.getTime() > Date.now(), 'expires', 'must be in the future', spec.expires);
  }
  const conn = em;
  if (areaCode) {
    const found = await conn.execute('select 1 from area where code = ?', [areaCode]);
    p.check(found.length === 1, 'area', `no area has code ${areaCode}`, areaCode);
  }
  if (creditCode) {
    const found = await conn.execute('select 1 from enterprise where credit_code = ?', [creditCode]);
    p.check(found.length === 1, 'enterprise', `no enterprise has credit code ${creditCode}`, creditCode);
  }
  p.throwIfAny();
  const key = generateKey();
  return em.transactional(async (tx) => {
    const [row] = await tx.execute<KeyRow[]>(
      `insert into api_key (prefix, hash, role, area_code, credit_code, label, created_by, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?) returning ${KEY_COLUMNS}`,
      [key.slice(0, KEY_PREFIX.length + 6), hashKey(key), spec.role, areaCode ?? null, creditCode ?? null, label, spec.createdBy, expiresAt ?? null],
    );
    await auditKey(tx as EntityManager, spec.createdBy, 'createApiKey', row);
    return { key, row: keyRow(row) };
  });
}

export async function listApiKeys(em: EntityManager): Promise<KeyRow[]> {
  return (await em.execute<KeyRow[]>(`select ${KEY_COLUMNS} from api_key order by id`)).map(keyRow);
}

/** Revokes a key (effective on the next request); false when there is no such key or it was revoked already. */
export async function revokeApiKey(em: EntityManager, id: number, actor: string): Promise<KeyRow | undefined> {
  return em.transactional(async (tx) => {
    const [row] = await tx.execute<KeyRow[]>(`update api_key set revoked_at = now() where id = ? and revoked_at is null returning ${KEY_COLUMNS}`, [id]);
    if (row) await auditKey(tx as EntityManager, actor, 'revokeApiKey', row);
    return row && keyRow(row);
  });
}

export type KeyCheck = { principal: Principal } | { refused: string };

/** Looks a presented key up: valid, or why not (unknown, revoked, expired). Touches last_used_at at most once a minute. */
export async function principalForKey(em: EntityManager, token: string): Promise<KeyCheck> {
  const conn = em;
  const [row] = await conn.execute<(KeyRow & { stale: boolean })[]>(
    `select ${KEY_COLUMNS}, (last_used_at is null or last_used_at < now() - interval '1 minute') as stale from api_key where hash = ?`,
    [hashKey(token)],
  );
  if (!row) return { refused: 'unknown API key' };
  Object.assign(row, keyRow(row));
  if (row.revokedAt) return { refused: 'this API key has been revoked' };
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return { refused: 'this API key has expired' };
  if (row.stale) await conn.execute('update api_key set last_used_at = now() where id = ?', [row.id]);
  return { principal: { id: `key:${row.id}`, role: row.role, areaCode: row.areaCode ?? undefined, creditCode: row.creditCode ?? undefined } };
}
