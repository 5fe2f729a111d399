import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest folder above this module with a package.json (works from src/ and from a build). */
export const PROJECT_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
})();

/** Browser code and styles served as they are (src/web/client). */
export const CLIENT_DIR = path.join(PROJECT_ROOT, 'src', 'web', 'client');

/** The example queries a planner starts from (queries/*.graphql). */
export const QUERIES_DIR = path.join(PROJECT_ROOT, 'queries');

/** The committed SDL (`npm run schema` writes it). */
export const SCHEMA_FILE = path.join(PROJECT_ROOT, 'schema.graphql');
