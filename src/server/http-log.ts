import './request.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import type { Logger } from './logging.js';
import { serializeError } from './logging.js';

/** A sane client-chosen request id: 1–64 characters of letters, digits, `.`, `_` and `-`. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** What the request line says besides method, path, status and duration; filled in as the request goes. */
export interface RequestLog {
  reqId: string;
  /** GraphQL operation name and type, once Apollo has resolved the operation. */
  op?: string | null;
  opType?: string;
  /** `extensions.code` of the GraphQL errors of the response (codes only: messages may quote input). */
  errors?: string[];
  /** Why the request failed before GraphQL, e.g. `entity.parse.failed` (never the body itself). */
  error?: string;
  /** An unexpected error (500): logged with its stack, never sent to the client. */
  err?: unknown;
}

const current = new AsyncLocalStorage<RequestLog>();

/** The request line of the request being handled (undefined outside a request). */
export function currentRequestLog(): RequestLog | undefined {
  return current.getStore();
}

/** The request line record of a response, for the error handlers. */
export function requestLogOf(res: Response): RequestLog | undefined {
  return res.locals.requestLog as RequestLog | undefined;
}

/** `X-Request-Id` if the client sent a sane one, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Gives each request its id (`req.requestId`, echoed in `X-Request-Id`) and writes one log line
 * when it ends: request id, credential id, GraphQL operation name and type, method, path (no query
 * string: GET requests carry the document and variables there), status and duration in ms.
 * Bodies, variables, query text and headers are never logged.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const record: RequestLog = { reqId: requestIdFrom(req.headers['x-request-id']) };
    req.requestId = record.reqId;
    res.setHeader('X-Request-Id', record.reqId);
    res.locals.requestLog = record;
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      const status = res.statusCode;
      const line = {
        reqId: record.reqId,
        credential: req.principal?.id ?? null,
        ...(record.op !== undefined ? { op: record.op, opType: record.opType } : {}),
        method: req.method,
        path: pathOf(req.originalUrl ?? req.url),
        status,
        ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        ip: req.socket.remoteAddress,
        ...(res.writableFinished ? {} : { aborted: true }),
        ...(record.errors ? { errors: record.errors } : {}),
        ...(record.error ? { error: record.error } : {}),
        ...(record.err !== undefined ? { err: serializeError(record.err) } : {}),
      };
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      logger[level](line, 'request');
    };
    res.once('finish', write);
    res.once('close', write);
    current.run(record, () => next());
  };
}

/** Path of a URL without its query string, at most 200 characters. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

/**
 * Apollo plugin that puts the resolved operation's name and type and the codes of its errors
 * (never its text, variables or error messages) on the request's log line.
 */
export function operationNamePlugin<T extends BaseContext>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName, operation }) {
          const record = currentRequestLog();
          if (!record) return;
          record.op = operationName ?? null;
          record.opType = operation?.operation;
        },
        // Note: read from the response as sent, after every plugin's didEncounterErrors (the limits'
        // plugin gives validation refusals their own codes there) and after formatError.
        async willSendResponse({ response }) {
          const record = currentRequestLog();
          if (!record || response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          if (errors.length === 0) return;
          const codes = errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR'));
          record.errors = [...new Set([...(record.errors ?? []), ...codes])];
        },
      };
    },
  };
}
