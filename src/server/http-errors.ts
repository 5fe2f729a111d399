import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { requestLogOf } from './http-log.js';

/** The body of every error answered outside GraphQL execution, shaped like a GraphQL response. */
export interface HttpErrorBody {
  errors: { message: string; extensions: { code: string } }[];
}

/** Sends `{ errors: [{ message, extensions: { code } }] }` with `status`. */
export function sendHttpError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] } satisfies HttpErrorBody);
}

/** body-parser (express.json) errors by their `type`: status, code and a message that never quotes the body. */
const BODY_ERRORS: Record<string, { status: number; code: string; message: (e: { limit?: number; charset?: string; encoding?: string }) => string }> = {
  'entity.parse.failed': { status: 400, code: 'BAD_REQUEST', message: () => 'The request body is not valid JSON' },
  'entity.verify.failed': { status: 400, code: 'BAD_REQUEST', message: () => 'The request body was refused' },
  'request.aborted': { status: 400, code: 'BAD_REQUEST', message: () => 'The request was aborted while its body was being read' },
  'request.size.invalid': { status: 400, code: 'BAD_REQUEST', message: () => 'The request body does not match its Content-Length' },
  'entity.too.large': {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: (e) => (e.limit ? `The request body is larger than the limit of ${Math.floor(e.limit / 1024)} KiB` : 'The request body is too large'),
  },
  'parameters.too.many': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: () => 'The request has too many parameters' },
  'charset.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: (e) => `Unsupported charset${e.charset ? ` '${String(e.charset).slice(0, 40)}'` : ''}: send UTF-8`,
  },
  'encoding.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: (e) => `Unsupported content encoding${e.encoding ? ` '${String(e.encoding).slice(0, 40)}'` : ''}: send identity, gzip, deflate or br`,
  },
};

/** A code for a status that a middleware or Express itself set on an error. */
const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  431: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
  503: 'SERVICE_UNAVAILABLE',
};

interface HttpishError {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  message?: unknown;
  extensions?: { code?: unknown };
}

/**
 * The last handler of the app: every error that reaches Express becomes a JSON GraphQL-style
 * error response, never an HTML page. Body-parser errors map by `type` (invalid JSON 400,
 * too large 413 `PAYLOAD_TOO_LARGE`, unsupported charset or encoding 415); other errors that
 * carry a 4xx/503 `status` keep it (with `extensions.code` if they have one, and their message only
 * if marked `expose`); anything else is a 500 whose message and stack go to the log, not the client.
 */
export function httpErrorHandler(): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    const record = requestLogOf(res);
    if (res.headersSent) {
      if (record) record.err = error;
      return next(error);
    }
    const e = (typeof error === 'object' && error !== null ? error : {}) as HttpishError;
    const known = typeof e.type === 'string' ? BODY_ERRORS[e.type] : undefined;
    if (known) {
      if (record) record.error = e.type as string;
      return sendHttpError(res, known.status, known.code, known.message(e as never));
    }
    const status = Number(e.status ?? e.statusCode);
    if (Number.isInteger(status) && ((status >= 400 && status < 500) || status === 503)) {
      const code = typeof e.extensions?.code === 'string' ? e.extensions.code : (STATUS_CODES[status] ?? 'BAD_REQUEST');
      if (record) record.error = typeof e.type === 'string' ? e.type : code;
      const message = e.expose === true || e.extensions ? String(e.message) : defaultMessage(status);
      return sendHttpError(res, status, code, message);
    }
    if (record) record.err = error;
    sendHttpError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  };
}

function defaultMessage(status: number): string {
  return status === 503 ? 'Service unavailable' : `Bad request (${STATUS_CODES[status] ?? status})`;
}

/** 404 for every route nothing else answered, as JSON. */
export function notFoundHandler(): RequestHandler {
  return (req, res) => {
    sendHttpError(res, 404, 'NOT_FOUND', `Not found: ${req.method} ${req.path.slice(0, 200)} (the API is at /graphql)`);
  };
}
