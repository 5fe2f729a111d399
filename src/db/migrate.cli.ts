import 'reflect-metadata';
import { openCommandDatabase } from './database.js';

/** `npm run db:migrate`: applies pending migrations (the API also does this at start). */
const log = (msg: string) => console.log(`[migrate] ${msg}`);
const db = await openCommandDatabase('migrate', { log });
log(`database is up to date (${db.description})`);
await db.close();
