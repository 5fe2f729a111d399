import 'reflect-metadata';
import os from 'node:os';
import { Command } from 'commander';
import { BadInputError } from '../common/errors.js';
import { type Database, openCommandDatabase } from '../db/database.js';
import { createApiKey, type KeyRow, listApiKeys, revokeApiKey } from './keys.js';
import { type Role, ROLES } from './principal.js';

/**
 * `npm run keys -- create --role ROLE [--area CODE | --enterprise CREDIT_CODE] --label TEXT [--expires DATE]`
 * `npm run keys -- list` · `npm run keys -- revoke ID`
 * Runs against the same database as `npm start` (DATABASE_URL, or the embedded one in PG_DATA_DIR).
 * `create` prints the new key alone on the last line of stdout; it is stored only as a hash.
 * Exit codes: 0 done, 1 refused (bad input, no such key), 2 could not run.
 */
const log = (msg: string) => console.error(`[keys] ${msg}`);
const operator = (as?: string) => `cli:${as || os.userInfo().username}`;

async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openCommandDatabase('keys', { log });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function row(k: KeyRow): string {
  const scope = k.role === 'area' ? `area ${k.areaCode}` : k.role === 'partner' ? `enterprise ${k.creditCode}` : 'district';
  const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : k.expiresAt && k.expiresAt.getTime() <= Date.now() ? 'expired' : 'active';
  return [
    k.id,
    `${k.prefix}…`,
    k.role,
    scope,
    JSON.stringify(k.label),
    k.createdAt.toISOString(),
    k.lastUsedAt?.toISOString() ?? 'never',
    k.expiresAt?.toISOString() ?? 'no expiry',
    state,
  ].join('\t');
}

let code = 0;
const program = new Command().name('keys').description('Issue, list and revoke API keys of the registry.').exitOverride();
program
  .command('create')
  .description('issue a key; it is printed once, on the last line')
  .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
  .option('--area <code>', 'area code an area key is bound to')
  .option('--enterprise <creditCode>', 'credit code a partner key is bound to')
  .requiredOption('--label <text>', 'who or what the key is for, e.g. "鸬鸟镇 portal"')
  .option('--expires <date>', 'last day the key is valid (YYYY-MM-DD, China time) or an ISO timestamp')
  .option('--as <label>', 'operator recorded in the audit log (default: the OS user)')
  .action(async (o: { role: Role; area?: string; enterprise?: string; label: string; expires?: string; as?: string }) => {
    await withDatabase(async (db) => {
      const { key, row: created } = await createApiKey(db.orm.em.fork(), {
        role: o.role,
        areaCode: o.area,
        creditCode: o.enterprise,
        label: o.label,
        expires: o.expires,
        createdBy: operator(o.as),
      });
      console.log(
        `created key ${created.id} (${created.role}${created.areaCode ? ` ${created.areaCode}` : ''}${created.creditCode ? ` ${created.creditCode}` : ''}, "${created.label}"${created.expiresAt ? `, valid until ${created.expiresAt.toISOString()}` : ''}).`,
      );
      console.log('Store it now: it is shown only this once. Send it as "Authorization: Bearer <key>".');
      console.log(key);
    });
  });
program
  .command('list')
  .description('list keys: id, prefix, role, scope, label, created, last used, expiry, state')
  .action(async () => {
    await withDatabase(async (db) => {
      console.log(['id', 'prefix', 'role', 'scope', 'label', 'created', 'last used', 'expires', 'state'].join('\t'));
      for (const k of await listApiKeys(db.orm.em.fork())) console.log(row(k));
    });
  });
program
  .command('revoke')
  .description('revoke a key (refused from the next request on)')
  .argument('<id>', 'key id (see list)')
  .option('--as <label>', 'operator recorded in the audit log (default: the OS user)')
  .action(async (id: string, o: { as?: string }) => {
    await withDatabase(async (db) => {
      const n = Number(id);
      const revoked = Number.isInteger(n) && n > 0 ? await revokeApiKey(db.orm.em.fork(), n, operator(o.as)) : undefined;
      if (!revoked) {
        console.error(`no active key with id ${id}`);
        code = 1;
        return;
      }
      console.log(`revoked key ${revoked.id} (${revoked.prefix}…, "${revoked.label}")`);
    });
  });

try {
  await program.parseAsync();
} catch (e) {
  const err = e as { code?: string; message: string };
  if (err.code?.startsWith('commander.')) code = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
  else if (e instanceof BadInputError) {
    console.error(`refused: ${err.message.replace(/^Invalid input: /, '')}`);
    code = 1;
  } else {
    console.error(`keys could not run: ${err.message}`);
    code = 2;
  }
}
process.exit(code);
