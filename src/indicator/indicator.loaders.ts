import DataLoader from 'dataloader';
import type { RequestContext } from '../common/context.js';
import { rowMapper } from '../common/rows.js';
import { sqlRows } from '../db/sql.js';
import { IndicatorValue } from './indicator.entity.js';

/** Values by (indicator id, area id, period), batched per request: one statement per batch. */
export function valueByKeyLoader(ctx: RequestContext): DataLoader<string, IndicatorValue | null> {
  return ctx.loaders.get(
    'indicatorValue:byKey',
    () =>
      new DataLoader<string, IndicatorValue | null>(async (keys) => {
        const parts = keys.map((k) => k.split('|'));
        const rows = await sqlRows(
          ctx.em,
          'select v.* from unnest(?::int[], ?::int[], ?::text[]) as k(indicator_id, area_id, period) join indicator_value v using (indicator_id, area_id, period)',
          [`{${parts.map((p) => Number(p[0])).join(',')}}`, `{${parts.map((p) => Number(p[1])).join(',')}}`, parts.map((p) => p[2])],
        );
        const map = rowMapper(ctx.em, IndicatorValue);
        const byKey = new Map(rows.map((r) => [`${r.indicator_id}|${r.area_id}|${r.period}`, map(r)]));
        return keys.map((k) => byKey.get(k) ?? null);
      }),
  );
}

/** The values of the part indicators for the same area and period as each value (by value id), in part code order. */
export function partValuesLoader(ctx: RequestContext): DataLoader<number, IndicatorValue[]> {
  return ctx.loaders.get(
    'indicatorValue:parts',
    () =>
      new DataLoader<number, IndicatorValue[]>(async (ids) => {
        const rows = await sqlRows(
          ctx.em,
          'select v.*, w.id as _whole from indicator_value w join indicator c on c.parent_id = w.indicator_id ' +
            'join indicator_value v on v.indicator_id = c.id and v.area_id = w.area_id and v.period = w.period ' +
            'where w.id = any(?::int[]) order by c.code',
          [`{${ids.map((i) => Math.trunc(i)).join(',')}}`],
        );
        const map = rowMapper(ctx.em, IndicatorValue);
        const out = new Map<number, IndicatorValue[]>();
        for (const r of rows) out.set(Number(r._whole), [...(out.get(Number(r._whole)) ?? []), map(r)]);
        return ids.map((id) => out.get(id) ?? []);
      }),
  );
}

/** Whether each indicator (by id) has parts, batched. */
export function hasPartsLoader(ctx: RequestContext): DataLoader<number, boolean> {
  return ctx.loaders.get(
    'indicator:hasParts',
    () =>
      new DataLoader<number, boolean>(async (ids) => {
        const rows = await sqlRows<{ parent_id: number }>(ctx.em, 'select distinct parent_id from indicator where parent_id = any(?::int[])', [
          `{${ids.map((i) => Math.trunc(i)).join(',')}}`,
        ]);
        const set = new Set(rows.map((r) => Number(r.parent_id)));
        return ids.map((id) => set.has(id));
      }),
  );
}
