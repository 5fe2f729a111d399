import './request.js';
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { type AuthConfig, authentication } from '../auth/authenticate.js';
import { createRequestContext, type RequestContext } from '../common/context.js';
import { loadQuestions } from '../web/questions.js';
import { webRoutes } from '../web/routes.js';
import { formatError } from './format-error.js';
import { healthRoutes } from './health.js';
import { type HttpConfig, httpErrorHandler, httpGuards, notFoundHandler, operationNamePlugin } from './http.js';
import { type LimitConfig, requestLimits } from './limits.js';
import { type MetricsConfig, metricsEnabled, resolveMetricsConfig } from './metrics/config.js';
import { RegistryMetrics } from './metrics/metrics.js';
import { measureGraphql, metricsRoute, startMetricsListener } from './metrics/routes.js';
import { primaryForMutationsPlugin } from './read-routing.js';

export interface AppOptions {
  orm: MikroORM;
  schema: GraphQLSchema;
  /** Expose stack traces, internal messages and field suggestions (NODE_ENV=development only). */
  development?: boolean;
  log?: (msg: string) => void;
  /** Overrides of the environment's settings (tests use these). */
  auth?: Partial<AuthConfig>;
  http?: Partial<HttpConfig>;
  limits?: Partial<LimitConfig>;
  metrics?: Partial<MetricsConfig>;
}

export interface RunningApp {
  server: http.Server;
  url: string;
  /** `/metrics` of the metrics listener (METRICS_PORT), when there is one. */
  metricsUrl?: string;
  /** The app's metrics, when on (METRICS_PORT or METRICS_KEY). */
  metrics?: RegistryMetrics;
  stop(): Promise<void>;
}

/**
 * Starts the HTTP server: GraphQL at /graphql, health at /healthz and /readyz.
 * The request passes, in order: HTTP guards (headers, CORS, logging) → authentication →
 * limits (rate, body, concurrency) → Apollo (with the query-cost rules) → resolvers.
 */
export async function startApp(opts: AppOptions, port: number, host = process.env.HOST || '127.0.0.1'): Promise<RunningApp> {
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);
  // Note: longer than the usual 60 s idle timeout of proxies and clients, so an idle keep-alive
  // connection is never closed by us while a client is about to reuse it.
  server.keepAliveTimeout = 65_000;
  // Note: the start command bounds the drain itself (SHUTDOWN_TIMEOUT_MS) and then closes what is
  // left; Apollo's own drain waits a little longer so it never races that and cuts in first.
  const limits = requestLimits(opts);
  // Note: Apollo's default cache-control plugin hooks every field resolver (and so makes Apollo wrap
  // them all) to compute a Cache-Control header; the registry sets no cache hints, so it is off.
  const apollo = new ApolloServer<RequestContext>({
    schema: opts.schema,
    introspection: true,
    includeStacktraceInErrorResponses: Boolean(opts.development),
    formatError: formatError(Boolean(opts.development), (e) => opts.log?.(`error: ${(e as Error)?.stack ?? String(e)}`)),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server, stopGracePeriodMillis: Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000) + 2_000 }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      operationNamePlugin(),
      primaryForMutationsPlugin(),
      ...limits.plugins,
    ],
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    validationOptions: limits.validationOptions,
    allowBatchedHttpRequests: limits.allowBatches,
  });
  await apollo.start();
  const metricsConfig = resolveMetricsConfig(opts.metrics);
  const metrics = metricsEnabled(metricsConfig)
    ? new RegistryMetrics(
        opts.orm,
        new Set((await loadQuestions()).map((q) => q.operationName).filter((n): n is string => Boolean(n))),
        metricsConfig.maxOperationNames,
      )
    : undefined;
  app.use(httpGuards(opts));
  if (metrics) {
    app.use('/graphql', measureGraphql(metrics));
    if (metricsConfig.key) app.get('/metrics', metricsRoute(metrics, metricsConfig.key));
  }
  app.use(healthRoutes(opts));
  app.use(webRoutes());
  app.use(
    '/graphql',
    await authentication(opts),
    ...limits.middleware,
    expressMiddleware(apollo, { context: async ({ req }) => createRequestContext(opts.orm, req) }),
  );
  app.use(notFoundHandler(), httpErrorHandler());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const listener = metrics && metricsConfig.port !== undefined ? await startMetricsListener(metrics, metricsConfig) : undefined;
  if (listener) opts.log?.(`metrics at ${listener.url}${metricsConfig.key ? ' (with METRICS_KEY)' : ''}`);
  return {
    server,
    metricsUrl: listener?.url,
    metrics,
    url: `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${actualPort}/graphql`,
    async stop() {
      listener?.server.close();
      await apollo.stop();
    },
  };
}
