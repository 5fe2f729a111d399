import 'reflect-metadata';
import { openCommandDatabase } from './database.js';

/** `npm run db:migrate`: applies pending migrations (the API also does this at start). Exit 2 when it cannot. */
const log = (msg: string) => console.log(`[migrate] ${msg}`);
try {
  const db = await openCommandDatabase('migrate', { log });
  log(`database is up to date (${db.description})`);
  await db.close();
} catch (e) {
  console.error(`migrate could not run: ${(e as Error).message}`);
  process.exit(2);
}
