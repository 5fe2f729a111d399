import express, { type Router } from 'express';
import { availabilityOf } from '../db/availability.js';
import { replicasOf } from '../db/replicas.js';
import { MIGRATIONS } from '../migrations/index.js';
import type { AppOptions } from './app.js';

const READY_TIMEOUT_MS = 3_000;

/** What a GraphQL request gets while the database is known to be unavailable. */
export const UNAVAILABLE_MESSAGE = 'The database is unavailable at the moment; try again in a few seconds';

/**
 * `/healthz`: the process is alive (200 whenever it answers at all).
 * `/readyz`: the database answers and every migration of this build is applied (200), else 503;
 * with read replicas, each one's state and lag (they do not change the status: reads fall back).
 * While the database is known to be down (see DatabaseAvailability), GraphQL requests are
 * answered 503 SERVICE_UNAVAILABLE right here, without waiting for the database.
 */
export function healthRoutes(opts: AppOptions): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ ok: true, status: 'alive', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/readyz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    // Replicas never make the API unready: reads fall back to the primary. Each is reported
    // (host:port/database, state, lag), never with its user or password.
    const replicaSet = replicasOf(opts.orm);
    const replicas = replicaSet ? { replicas: replicaSet.status(), replicaMaxLagMs: replicaSet.maxLagMs } : {};
    const expected = MIGRATIONS.map((m) => m.name);
    let applied: Set<string>;
    try {
      const rows = await withTimeout(opts.orm.em.fork().getConnection().execute<{ name: string }[]>('select name from mikro_orm_migrations'), READY_TIMEOUT_MS);
      applied = new Set(rows.map((r) => r.name));
    } catch (err) {
      if ((err as { code?: string }).code === '42P01') {
        res.status(503).json({ ok: false, database: 'reachable', migrations: { applied: 0, pending: expected }, ...replicas });
      } else {
        res.status(503).json({ ok: false, database: 'unreachable', ...replicas });
      }
      return;
    }
    const pending = expected.filter((name) => !applied.has(name));
    res.status(pending.length === 0 ? 200 : 503).json({
      ok: pending.length === 0,
      database: 'reachable',
      migrations: { applied: expected.length - pending.length, pending },
      ...replicas,
    });
  });
  router.use('/graphql', (req, res, next) => {
    const availability = availabilityOf(opts.orm);
    if (!availability || availability.up || req.method === 'OPTIONS') return next();
    res
      .status(503)
      .set('Retry-After', '2')
      .json({ errors: [{ message: UNAVAILABLE_MESSAGE, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
