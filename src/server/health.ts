import express, { type Router } from 'express';
import type { AppOptions } from './app.js';

/** `/healthz`: the process answers. `/readyz`: the database answers. */
export function healthRoutes(opts: AppOptions): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await opts.orm.em.fork().getConnection().execute('select 1');
      res.json({ ok: true });
    } catch {
      res.status(503).json({ ok: false });
    }
  });
  return router;
}
