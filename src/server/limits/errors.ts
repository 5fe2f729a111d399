import type { ApolloServerPlugin } from '@apollo/server';
import type { Response } from 'express';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../../common/context.js';
import { BadInputError } from '../../common/errors.js';

/** Stable `extensions.code` of every refusal by a limit. */
export const LimitCode = {
  /** Request body over MAX_BODY_KB (HTTP 413; answered by the app's error handler, http-errors.ts). */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A JSON array of operations while ALLOW_BATCHES is off, or more than MAX_BATCH (HTTP 400). */
  BATCH_NOT_ALLOWED: 'BATCH_NOT_ALLOWED',
  /** Too many requests from one credential or address in the current minute (HTTP 429). */
  RATE_LIMITED: 'RATE_LIMITED',
  /** Every execution slot busy and the waiting queue full, or the wait timed out (HTTP 503). */
  OVERLOADED: 'OVERLOADED',
  /** More than MAX_TOKENS lexical tokens (HTTP 400). */
  TOO_MANY_TOKENS: 'TOO_MANY_TOKENS',
  /** Deeper than MAX_DEPTH (HTTP 400). */
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  /** More than MAX_ALIASES aliases (HTTP 400). */
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  /** More than MAX_DIRECTIVES directives (HTTP 400). */
  TOO_MANY_DIRECTIVES: 'TOO_MANY_DIRECTIVES',
  /** graphql-armor cost over MAX_COST (HTTP 400). */
  QUERY_TOO_COSTLY: 'QUERY_TOO_COSTLY',
  /** Connections could return more than MAX_NODES nodes (HTTP 400). */
  QUERY_TOO_LARGE: 'QUERY_TOO_LARGE',
  /** The last error of a request that had more than MAX_VALIDATION_ERRORS (HTTP 400). */
  TOO_MANY_ERRORS: 'TOO_MANY_ERRORS',
} as const;
export type LimitCode = (typeof LimitCode)[keyof typeof LimitCode];

/** Answers outside GraphQL execution (HTTP middleware) in the shape of a GraphQL response. */
export function refuse(
  res: Response,
  status: number,
  code: LimitCode,
  message: string,
  extra: { headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
): void {
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(extra.headers ?? {})) res.setHeader(name, value);
  res.status(status).json({ errors: [{ message, extensions: { code, ...extra.extensions } }] });
}

/**
 * A refusal raised while validating or planning an operation. Apollo wraps validation errors
 * into its own `GRAPHQL_VALIDATION_FAILED`; {@link limitErrorsPlugin} puts our code back.
 */
export class LimitError extends GraphQLError {
  constructor(code: LimitCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, http: { status: 400 }, ...extensions } });
  }
}

/** graphql-js' own messages for the two limits it enforces itself (parse option, validate option). */
const TOKEN_LIMIT = /^Syntax Error: Document contains more th(?:an|at) (\d+) tokens\. Parsing aborted\.$/;
const ERROR_LIMIT = 'Too many validation errors, error limit reached. Validation aborted.';
/** graphql-js' "did you mean" hints (fields, arguments, types, enum values). */
const SUGGESTION = /\s*Did you mean (the enum value )?"[^]*\?$/;

/**
 * Gives every limit refusal its own stable code and a plain message:
 * - validation errors raised by our rules keep their code (not Apollo's GRAPHQL_VALIDATION_FAILED);
 * - graphql's token limit (a parse error) becomes TOO_MANY_TOKENS;
 * - graphql's "too many validation errors" becomes TOO_MANY_ERRORS;
 * - unless `suggestions`, no "Did you mean …" hint leaves the server (graphql-armor masks field
 *   suggestions; this also removes the enum-value ones it does not match, and its leftover "?").
 */
export function limitErrorsPlugin(opts: { suggestions: boolean; maxTokens: number }): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const e = error as { message: string; extensions: Record<string, unknown>; originalError?: unknown };
            const original = error.originalError;
            if (original instanceof LimitError || original instanceof BadInputError) {
              e.extensions.code = original.extensions.code;
            } else if (TOKEN_LIMIT.test(error.message)) {
              e.message = `Query too long: more than ${opts.maxTokens} tokens (the limit is ${opts.maxTokens}); parsing stopped there.`;
              e.extensions.code = LimitCode.TOO_MANY_TOKENS;
              e.extensions.limit = opts.maxTokens;
            } else if (error.message === ERROR_LIMIT) {
              e.message = 'Too many validation errors: only the first ones are reported, validation stopped there.';
              e.extensions.code = LimitCode.TOO_MANY_ERRORS;
            }
            if (!opts.suggestions) {
              e.message = e.message.replace(/\s*\[Suggestion hidden\]\??$/, '').replace(SUGGESTION, '');
            }
          }
        },
      };
    },
  };
}
