import type { MikroORM } from '@mikro-orm/postgresql';
import { Area } from '../../src/area/area.entity.js';
import { AreaKind } from '../../src/area/area.enums.js';
import { makeCreditCode } from '../../src/enterprise/credit-code.js';
import { Enterprise } from '../../src/enterprise/enterprise.entity.js';
import { Ownership } from '../../src/enterprise/enterprise.enums.js';

/** A valid credit code for test enterprise number `n`. */
export function creditCode(n: number): string {
  return makeCreditCode(`91330110MA${String(n).padStart(7, '0')}`);
}

/** Inserts the district and `towns` towns (each with `villages` villages) through the ORM. */
export async function insertAreaTree(orm: MikroORM, towns: number, villages = 0): Promise<{ district: Area; towns: Area[]; villages: Area[] }> {
  const em = orm.em.fork();
  const district = Object.assign(new Area(), { code: '330110', name: '余杭区', kind: AreaKind.DISTRICT, source: 'test' });
  const townList: Area[] = [];
  const villageList: Area[] = [];
  for (let t = 1; t <= towns; t++) {
    const town = Object.assign(new Area(), { code: `330110${String(100 + t)}`, name: `镇${t}`, kind: AreaKind.TOWN, parent: district, source: 'test' });
    townList.push(town);
    for (let v = 1; v <= villages; v++) {
      villageList.push(
        Object.assign(new Area(), { code: `${town.code}${String(200 + v)}`, name: `村${t}-${v}`, kind: AreaKind.VILLAGE, parent: town, source: 'test' }),
      );
    }
  }
  // Note: one flush per level; MikroORM inserts a self-referencing batch with null parents first,
  // which the area_parent_required CHECK refuses.
  for (const level of [[district], townList, villageList]) {
    em.persist(level);
    await em.flush();
  }
  return { district, towns: townList, villages: villageList };
}

/** Inserts `count` enterprises numbered from `from`. */
export async function insertEnterprises(orm: MikroORM, count: number, from = 1): Promise<Enterprise[]> {
  const em = orm.em.fork();
  const list = Array.from({ length: count }, (_, i) =>
    Object.assign(new Enterprise(), { creditCode: creditCode(from + i), name: `企业${from + i}`, ownership: Ownership.PRIVATE, tags: [], source: 'test' }),
  );
  em.persist(list);
  await em.flush();
  return list;
}
