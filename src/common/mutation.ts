import {
  DriverException,
  ForeignKeyConstraintViolationException,
  UniqueConstraintViolationException,
  type EntityManager,
} from '@mikro-orm/postgresql';
import { ConflictError } from './errors.js';

/** Runs `fn` in one transaction: either all of its changes are committed or none. */
export function atomically<T>(em: EntityManager, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
  return em.transactional((tx) => fn(tx as EntityManager));
}

/** Flushes, turning a duplicate natural key into a CONFLICT that names the record. */
export async function flushOrConflict(tx: EntityManager, label: string): Promise<void> {
  try {
    await tx.flush();
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException) {
      const constraint = (e as unknown as { constraint?: string }).constraint;
      throw new ConflictError(`${label} already exists`, { constraint });
    }
    throw e;
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
