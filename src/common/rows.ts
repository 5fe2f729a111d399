import { type EntityClass, type EntityMetadata, type EntityProperty, type Platform, ReferenceKind } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The read path works on plain rows, not managed entities: a row of a record's table becomes an
 * object with the record class's prototype (so getters such as `nodeId` and GraphQL type resolution
 * work) and its properties, with a many-to-one relation as `{ id }`. No identity map, no change
 * tracking, no hydration: about a tenth of the cost of `em.map` per row. Writes keep the entity model.
 */
export type RowMapper<T> = (row: Record<string, unknown>, prefix?: string) => T;

/** One column of a record's table as the read path sees it. */
export interface ColumnInfo {
  /** property name on the record */
  property: string;
  /** column name in the table */
  column: string;
  /** SQL type, for casting bound cursor values back */
  sqlType: string;
  nullable: boolean;
  /** the record a many-to-one column points at */
  target?: string;
}

interface TableInfo {
  table: string;
  columns: ColumnInfo[];
  byColumn: Map<string, ColumnInfo>;
  mapper: RowMapper<object>;
}

const cache = new Map<string, TableInfo>();

function convert(prop: EntityProperty, platform: Platform): ((v: unknown) => unknown) | null {
  if (prop.runtimeType === 'Date') return (v) => (v === null || v === undefined || v instanceof Date ? v : platform.parseDate(v as string));
  if (prop.runtimeType === 'boolean' || prop.runtimeType === 'number') return null;
  if (prop.customType && !['string', 'number', 'boolean'].includes(prop.runtimeType)) {
    const type = prop.customType;
    return (v) => (v === null || v === undefined ? v : type.convertToJSValue(v, platform));
  }
  return null;
}

function tableInfo(em: EntityManager, entity: EntityClass<object>): TableInfo {
  const name = entity.name;
  const known = cache.get(name);
  if (known) return known;
  const meta: EntityMetadata = em.getMetadata().get(name);
  const platform = em.getPlatform();
  const columns: ColumnInfo[] = [];
  const setters: ((target: Record<string, unknown>, row: Record<string, unknown>, prefix: string) => void)[] = [];
  for (const prop of meta.props) {
    if (prop.persist === false || !prop.fieldNames || prop.fieldNames.length !== 1) continue;
    const column = prop.fieldNames[0];
    const key = prop.name;
    if (prop.kind === ReferenceKind.SCALAR) {
      columns.push({ property: key, column, sqlType: prop.columnTypes?.[0] ?? 'text', nullable: Boolean(prop.nullable), target: undefined });
      const conv = convert(prop, platform);
      setters.push(
        conv
          ? (t, row, prefix) => {
              t[key] = conv(row[prefix + column]);
            }
          : (t, row, prefix) => {
              t[key] = row[prefix + column];
            },
      );
    } else if (prop.kind === ReferenceKind.MANY_TO_ONE) {
      columns.push({ property: key, column, sqlType: 'int', nullable: Boolean(prop.nullable), target: prop.type });
      setters.push((t, row, prefix) => {
        const id = row[prefix + column];
        t[key] = id === null || id === undefined ? null : { id: Number(id) };
      });
    }
  }
  // Note: MikroORM defines setters on a record class's prototype that wrap the instance for change
  // tracking on first assignment. The rows' own prototype shadows them with plain writable slots, so
  // assigning a column is a plain property write while `instanceof`, getters and `constructor` still
  // come from the record class.
  const proto = Object.create(entity.prototype as object) as object;
  for (const c of columns) Object.defineProperty(proto, c.property, { value: undefined, writable: true, enumerable: false, configurable: true });
  const Row = function Row(this: object) {} as unknown as new () => Record<string, unknown>;
  Row.prototype = proto;
  const mapper: RowMapper<object> = (row, prefix = '') => {
    const target = new Row();
    for (const set of setters) set(target, row, prefix);
    return target;
  };
  const info = { table: meta.tableName, columns, byColumn: new Map(columns.map((c) => [c.column, c])), mapper };
  cache.set(name, info);
  return info;
}

/** The plain-row mapper of a record class. */
export function rowMapper<T extends object>(em: EntityManager, entity: EntityClass<T>): RowMapper<T> {
  return tableInfo(em, entity as EntityClass<object>).mapper as RowMapper<T>;
}

/** The table of a record class. */
export function tableOf(em: EntityManager, entity: EntityClass<object>): string {
  return tableInfo(em, entity).table;
}

/** The columns of a record class's table (those the read path maps). */
export function columnsOf(em: EntityManager, entity: EntityClass<object>): ColumnInfo[] {
  return tableInfo(em, entity).columns;
}

/** One column of a record class's table by its column name. */
export function columnOf(em: EntityManager, entity: EntityClass<object>, column: string): ColumnInfo {
  const found = tableInfo(em, entity).byColumn.get(column);
  if (!found) throw new Error(`${entity.name} has no column ${column}`);
  return found;
}

/** Maps plain rows to records (see RowMapper). */
export function mapRows<T extends object>(em: EntityManager, entity: EntityClass<T>, rows: Record<string, unknown>[]): T[] {
  const map = rowMapper(em, entity);
  return rows.map((row) => map(row));
}
