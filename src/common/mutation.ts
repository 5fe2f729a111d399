import { DriverException, type EntityManager, ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { GraphQLError } from 'graphql';
import type { Principal } from '../auth/principal.js';
import { checkKindAccess, checkScope, type KindAccess, requireWriter, setAuditContext, type WriteTarget } from '../auth/scope.js';
import { inputFieldOf, kindOfTable, pgRefusal, refusalRule, VARCHAR_COLUMNS_SQL, varcharLength } from '../db/refusals.js';
import { readFromPrimary } from '../db/replicas.js';
import type { LoaderRegistry } from './context.js';
import { BadInputError, ConflictError, NotFoundError } from './errors.js';
import type { Mode } from './validate.js';

/** Who writes: the request's entity manager and caller (a RequestContext is one). */
export interface WriteContext {
  em: EntityManager;
  principal?: Principal;
  requestId?: string;
  loaders?: LoaderRegistry;
}

/**
 * Runs `fn` in one transaction: either all of its changes are committed or none. Only callers
 * with a writing credential get this far; the audit triggers learn who they are and which
 * `operation` (the mutation's name) this is. Cached reads of the request are dropped afterwards,
 * so what the mutation returns (and any later field of the request) shows the state after it.
 */
export async function atomically<T>(ctx: WriteContext, operation: string, fn: (tx: EntityManager, principal: Principal) => Promise<T>): Promise<T> {
  const principal = requireWriter(ctx);
  // Everything the request reads from now on (the mutation's payload, later fields) sees this write.
  readFromPrimary(ctx.em);
  try {
    return await ctx.em.transactional(async (tx) => {
      await setAuditContext(tx as EntityManager, principal, ctx.requestId, operation);
      return fn(tx as EntityManager, principal);
    });
  } finally {
    ctx.loaders?.clear();
  }
}

/**
 * A database refusal (its rules did not catch it) as an error on the input path: the table column
 * mapped to the input field through the kind's registration (src/db/refusals.ts); a value too long
 * names the input field that holds it. Undefined for other errors.
 */
export async function refusalError(tx: EntityManager, e: unknown, label: string, input?: object): Promise<GraphQLError | undefined> {
  const r = pgRefusal(e);
  if (!r) return undefined;
  let field = inputFieldOf(r, kindOfTable(r.table));
  if (!field && r.code === '22001' && input) {
    // Note: the message names no column: the input field that feeds a column of that length and holds a longer value.
    const max = varcharLength(r);
    const columns = await tx
      .getConnection()
      .execute<{ table: string; column: string }[]>(VARCHAR_COLUMNS_SQL.replace('$1', '?'), [max])
      .catch(() => []);
    const fields = columns.flatMap(({ table, column }) => {
      const f = inputFieldOf({ ...r, table, column }, kindOfTable(table));
      return f ? [f.slice('input.'.length)] : [];
    });
    const key = Object.entries(input).find(([k, v]) => fields.includes(k) && typeof v === 'string' && [...v].length > max)?.[0];
    if (key) field = `input.${key}`;
  }
  const rule = refusalRule(r);
  if (r.code === '23505') return new ConflictError(`${label} already exists`, { field, rule, constraint: r.constraint });
  if (r.code === '23503' || r.code === '23001') return new ConflictError(`${label}: ${rule}`, { field, rule, constraint: r.constraint });
  return new BadInputError([{ field: field ?? 'input', rule }]);
}

/** Flushes, turning a duplicate natural key into a CONFLICT that names the record, and any other refusal into an error on its input field. */
export async function flushOrConflict(tx: EntityManager, label: string, input?: object): Promise<void> {
  try {
    await tx.flush();
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException) {
      const constraint = (e as unknown as { constraint?: string }).constraint;
      const r = pgRefusal(e);
      const field = r && inputFieldOf(r, kindOfTable(r.table));
      throw new ConflictError(`${label} already exists`, { constraint, ...(field ? { field, rule: refusalRule(r) } : {}) });
    }
    throw (await refusalError(tx, e, label, input)) ?? e;
  }
}

/** Deletes a record; if other records still refer to it, answers CONFLICT naming what refers to it. */
export async function removeOrConflict(tx: EntityManager, entity: object, label: string): Promise<void> {
  try {
    tx.remove(entity);
    await tx.flush();
  } catch (e) {
    // Note: ON DELETE RESTRICT raises 23001 (restrict_violation), which MikroORM does not map to
    // ForeignKeyConstraintViolationException; NO ACTION raises 23503.
    const code = (e as { code?: string }).code;
    if (e instanceof ForeignKeyConstraintViolationException || (e instanceof DriverException && code === '23001')) {
      const { table, constraint } = e as unknown as { table?: string; constraint?: string };
      throw new ConflictError(`${label} is still referenced by ${table ?? 'other'} records; delete or change those first`, {
        referencedBy: table,
        constraint,
      });
    }
    throw e;
  }
}

/** How one kind of record is found, checked and named, for {@link createRecord} and friends. */
export interface RecordKind<E extends { nodeId: string }, K, I> {
  /** GraphQL type name, for NOT_FOUND. */
  name: string;
  /** The argument that names the record, for NOT_FOUND (e.g. `code`, `key`). */
  keyArg: string;
  keyText(key: K): string;
  make(): E;
  find(tx: EntityManager, key: K): Promise<E | null>;
  /** Validates the input (all problems at once) and applies it to the record. */
  apply(tx: EntityManager, record: E, input: I, mode: Mode): Promise<void>;
  /** How a CONFLICT or FORBIDDEN message names the record, e.g. "area 330110109". */
  label(record: E, key: K | undefined, input: I | undefined): string;
  /** Which scoped roles may write this kind. */
  access: KindAccess;
  /** Where a record (as it is, or as it will be after the change) belongs, for the scope check. */
  target(tx: EntityManager, record: E): Promise<WriteTarget> | WriteTarget;
}

async function existingRecord<E extends { nodeId: string }, K, I>(tx: EntityManager, kind: RecordKind<E, K, I>, key: K): Promise<E> {
  const record = await kind.find(tx, key);
  if (!record) throw new NotFoundError(kind.name, kind.keyText(key), kind.keyArg);
  return record;
}

/** Creates a record from a validated input, atomically; a duplicate natural key is a CONFLICT. */
export function createRecord<E extends { nodeId: string }, K, I>(ctx: WriteContext, kind: RecordKind<E, K, I>, input: I): Promise<E> {
  return atomically(ctx, `create${kind.name}`, async (tx, principal) => {
    checkKindAccess(principal, kind.access);
    const record = kind.make();
    await kind.apply(tx, record, input, 'create');
    await checkScope(tx, principal, kind.access, await kind.target(tx, record), kind.label(record, undefined, input));
    tx.persist(record);
    await flushOrConflict(tx, kind.label(record, undefined, input), input as object);
    return record;
  });
}

/** Changes the given fields of the record with this key, atomically. */
export function updateRecord<E extends { nodeId: string }, K, I>(ctx: WriteContext, kind: RecordKind<E, K, I>, key: K, input: I): Promise<E> {
  return atomically(ctx, `update${kind.name}`, async (tx, principal) => {
    checkKindAccess(principal, kind.access);
    const record = await existingRecord(tx, kind, key);
    await checkScope(tx, principal, kind.access, await kind.target(tx, record), kind.label(record, key, undefined));
    await kind.apply(tx, record, input, 'update');
    await checkScope(tx, principal, kind.access, await kind.target(tx, record), kind.label(record, key, input));
    await flushOrConflict(tx, kind.label(record, key, input), input as object);
    return record;
  });
}

/** Deletes the record with this key (CONFLICT while anything refers to it); returns its global ID. */
export function deleteRecord<E extends { nodeId: string }, K, I>(ctx: WriteContext, kind: RecordKind<E, K, I>, key: K): Promise<string> {
  return atomically(ctx, `delete${kind.name}`, async (tx, principal) => {
    checkKindAccess(principal, kind.access);
    const record = await existingRecord(tx, kind, key);
    await checkScope(tx, principal, kind.access, await kind.target(tx, record), kind.label(record, key, undefined));
    const id = record.nodeId;
    await removeOrConflict(tx, record, kind.label(record, key, undefined));
    return id;
  });
}
