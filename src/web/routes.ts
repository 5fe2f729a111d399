import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { playgroundBundle } from './bundle.js';
import { dashboardPage, landingPage, playgroundPage } from './pages.js';
import { CLIENT_DIR, SCHEMA_FILE } from './paths.js';
import { loadQuestions } from './questions.js';

const require = createRequire(import.meta.url);

/**
 * What the planners' pages may load: scripts, styles, workers and data from this API only. Styles
 * may be inline because Monaco and ECharts write <style> elements at run time; scripts may not.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** Files of src/web/client served as they are, by name. */
const CLIENT_FILES: Record<string, string> = {
  'web.css': 'text/css; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
};

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

function sendHtml(res: Response, html: string): void {
  res.setHeader('Content-Security-Policy', WEB_CSP);
  res.setHeader('Cache-Control', 'no-cache');
  res.type('html').send(html);
}

/** Express 5 passes rejected promises to `next`; this keeps the handlers' types plain. */
const handle =
  (fn: (req: Request, res: Response, next: NextFunction) => Promise<void>): RequestHandler =>
  (req, res, next) =>
    fn(req, res, next).catch(next);

/** Whether a request is a browser navigation (it asks for HTML by name, not just any type). */
function wantsHtml(req: Request): boolean {
  return /\btext\/html\b/i.test(req.headers.accept ?? '');
}

/**
 * The planners' workbench, served by the API itself:
 * `/` landing page, `/playground` (GraphiQL with the queries/ questions), `/dashboard` (ECharts),
 * `/schema.graphql` (the committed SDL), their assets under `/assets/`, and `GET /graphql` from a
 * browser sent on to the playground. Mount after the HTTP guards and before `/graphql`.
 */
export function webRoutes(): Router {
  const router = express.Router();
  // Note: nothing here reads the registry: the pages read it through /graphql (and so under its
  // credentials and request limits), the dashboard's provenance lines included.

  router.get('/', (_req, res) => sendHtml(res, landingPage()));

  router.get('/graphql', (req, res, next) => {
    // A browser typing /graphql gets the playground instead of Apollo's CSRF refusal; a query in
    // the URL is carried over (not run as a GET here). Clients asking for JSON pass through.
    if (!wantsHtml(req)) return next();
    const carried = new URLSearchParams();
    for (const name of ['query', 'variables', 'operationName'] as const) {
      const value = req.query[name];
      if (typeof value === 'string' && value !== '') carried.set(name, value);
    }
    const qs = carried.toString();
    res.redirect(302, `playground${qs ? `?${qs}` : ''}`);
  });

  router.get(
    '/playground',
    handle(async (_req, res) => {
      const bundle = await playgroundBundle();
      sendHtml(res, playgroundPage(`assets/playground/${bundle.hash}/`));
    }),
  );

  router.get(
    '/playground/questions.json',
    handle(async (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.json(await loadQuestions());
    }),
  );

  router.get(
    '/assets/playground/:hash/:file',
    handle(async (req, res, next) => {
      const bundle = await playgroundBundle();
      const file = String(req.params.file);
      if (req.params.hash !== bundle.hash || !bundle.files.includes(file)) return next();
      const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
      res.setHeader('Content-Type', type);
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.setHeader('Vary', 'Accept-Encoding');
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      if (gzip) res.setHeader('Content-Encoding', 'gzip');
      // Note: the cache lives under node_modules/.cache; `send` refuses dot-folders unless told.
      res.sendFile(path.join(bundle.dir, gzip ? `${file}.gz` : file), { dotfiles: 'allow' });
    }),
  );

  router.get('/assets/web/:file', (req, res, next) => {
    const file = String(req.params.file);
    const type = CLIENT_FILES[file];
    if (!type) return next();
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(CLIENT_DIR, file));
  });

  const echarts = require.resolve('echarts/dist/echarts.min.js');
  router.get('/assets/echarts/echarts.min.js', (_req, res) => {
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.sendFile(echarts);
  });

  router.get('/dashboard', (_req, res) => sendHtml(res, dashboardPage()));

  router.get('/schema.graphql', (_req, res) => {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Disposition', 'inline; filename="schema.graphql"');
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(SCHEMA_FILE);
  });

  return router;
}
