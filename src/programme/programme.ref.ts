import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProblemList } from '../common/errors.js';
import { PROGRAMME_CODE } from './programme.code.js';
import { Programme } from './programme.entity.js';

/**
 * The programme named by an input's `programmeCode` on a pairing, project or workshop:
 * undefined = unchanged, null or blank = cleared, an unknown code is a problem on `field`.
 */
export async function programmeRef(tx: EntityManager, p: ProblemList, field: string, code: string | null | undefined): Promise<Programme | null | undefined> {
  if (code === undefined) return undefined;
  if (code === null || code.trim() === '') return null;
  const found = await tx.findOne(Programme, { code: PROGRAMME_CODE.normalise(code) });
  if (!found) p.add(field, `no programme has code ${PROGRAMME_CODE.normalise(code)}`, code);
  return found ?? undefined;
}
