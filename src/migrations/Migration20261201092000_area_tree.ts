import { Migration } from '@mikro-orm/migrations';

/**
 * The database backs the area tree's shape (src/area/area.rules.ts) with a constraint trigger:
 * the district has no parent; a platform or town hangs under the district; a village or community
 * under a town or platform, never under a village; and an area whose kind changes must still be a
 * valid parent of the areas under it (a town with villages never becomes a village). A refusal is
 * SQLSTATE 23514 with constraint `area_tree_shape` and the column at fault, which src/db/errors.ts
 * turns into a located message.
 */
export class Migration20261201092000_area_tree extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function area_parent_fits(child text, parent text) returns boolean language sql immutable as $$
      select case
        when child = 'DISTRICT' then parent is null
        when child in ('PLATFORM', 'TOWN') then parent is null or parent = 'DISTRICT'
        else parent is null or parent in ('TOWN', 'PLATFORM')
      end $$;`);
    this.addSql(`create or replace function area_tree_shape() returns trigger language plpgsql as $$
      declare
        parent_kind text;
        child record;
      begin
        if new.parent_id is not null then
          select kind into parent_kind from area where id = new.parent_id;
          if new.kind = 'DISTRICT' then
            raise exception using errcode = '23514', constraint = 'area_tree_shape', table = 'area', column = 'parent_id',
              message = format('the district %s has no parent', new.code);
          end if;
          if not area_parent_fits(new.kind, parent_kind) then
            raise exception using errcode = '23514', constraint = 'area_tree_shape', table = 'area', column = 'parent_id',
              message = format('a %s must not be under a %s (area %s)', new.kind, parent_kind, new.code);
          end if;
        end if;
        if tg_op = 'UPDATE' and new.kind is distinct from old.kind then
          select c.code, c.kind into child from area c where c.parent_id = new.id and not area_parent_fits(c.kind, new.kind) limit 1;
          if found then
            raise exception using errcode = '23514', constraint = 'area_tree_shape', table = 'area', column = 'kind',
              message = format('area %s cannot become a %s: the %s %s is under it', new.code, new.kind, child.kind, child.code);
          end if;
        end if;
        return null;
      end $$;`);
    this.addSql(`create constraint trigger area_tree_shape after insert or update of kind, parent_id on area for each row execute function area_tree_shape();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists area_tree_shape on area;');
    this.addSql('drop function if exists area_tree_shape();');
    this.addSql('drop function if exists area_parent_fits(text, text);');
  }
}
