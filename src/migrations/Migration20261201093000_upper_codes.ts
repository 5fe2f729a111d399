import { Migration } from '@mikro-orm/migrations';

/** Tables whose natural code the identifier scalars (src/common/identifiers.ts) upper-case. */
const CODES = ['project', 'pairing', 'programme', 'indicator'];

/**
 * Codes are case-insensitive since the identifier scalars: the API and the importer store them upper-cased.
 * Codes stored in lower case before that (the API kept `mt-1` as given) are upper-cased here, so a lookup or a
 * spreadsheet can reach them again. If two codes of one table differ only by case, the migration stops and names
 * them (nothing is changed): an operator decides which record keeps the code. A check constraint then backs the rule.
 */
export class Migration20261201093000_upper_codes extends Migration {
  override async up(): Promise<void> {
    for (const table of CODES) {
      this.addSql(`do $$
        declare clash text;
        begin
          select string_agg(codes, '; ') into clash from (
            select string_agg(code, ' / ' order by code) as codes from "${table}" group by upper(code) having count(*) > 1
          ) c;
          if clash is not null then
            raise exception using errcode = '23505',
              message = format('${table} codes that differ only by letter case cannot both be kept once codes are case-insensitive: %s; rename one of each pair, then migrate again', clash);
          end if;
        end $$;`);
      this.addSql(`update "${table}" set code = upper(code) where code <> upper(code);`);
      this.addSql(`alter table "${table}" add constraint "${table}_code_upper" check (code = upper(code));`);
    }
  }

  override async down(): Promise<void> {
    for (const table of CODES) this.addSql(`alter table "${table}" drop constraint if exists "${table}_code_upper";`);
  }
}
