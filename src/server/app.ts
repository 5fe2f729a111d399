import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { createRequestContext, type RequestContext } from '../common/context.js';
import { formatError } from './format-error.js';

export interface AppOptions {
  orm: MikroORM;
  schema: GraphQLSchema;
  /** Expose stack traces and internal messages (NODE_ENV=development only). */
  development?: boolean;
  log?: (msg: string) => void;
}

export interface RunningApp {
  server: http.Server;
  url: string;
  stop(): Promise<void>;
}

/** Starts the HTTP server with GraphQL at /graphql and a health check at /healthz. */
export async function startApp(opts: AppOptions, port: number, host = '0.0.0.0'): Promise<RunningApp> {
  const app = express();
  const server = http.createServer(app);
  // Note: longer than the usual 60 s idle timeout of proxies and clients, so an idle keep-alive
  // connection is never closed by us while a client is about to reuse it.
  server.keepAliveTimeout = 65_000;
  const apollo = new ApolloServer<RequestContext>({
    schema: opts.schema,
    introspection: true,
    includeStacktraceInErrorResponses: Boolean(opts.development),
    formatError: formatError(Boolean(opts.development), (e) => opts.log?.(`error: ${(e as Error)?.stack ?? String(e)}`)),
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer: server }), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  app.get('/healthz', async (_req, res) => {
    try {
      await opts.orm.em.fork().getConnection().execute('select 1');
      res.json({ ok: true });
    } catch {
      res.status(503).json({ ok: false });
    }
  });
  app.use('/graphql', express.json({ limit: '1mb' }), expressMiddleware(apollo, { context: async () => createRequestContext(opts.orm) }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    server,
    url: `http://localhost:${actualPort}/graphql`,
    async stop() {
      await apollo.stop();
    },
  };
}
