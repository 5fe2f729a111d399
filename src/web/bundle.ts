import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { CLIENT_DIR, PROJECT_ROOT } from './paths.js';

const require = createRequire(import.meta.url);
const gzipAsync = promisify(gzip);

/** The playground's bundle: GraphiQL, React and Monaco with its three workers, built by esbuild. */
export interface PlaygroundBundle {
  /** Content hash of the inputs; part of the asset URLs, so they can be cached for good. */
  hash: string;
  dir: string;
  /** File names in `dir` (each also as `<name>.gz`). */
  files: string[];
}

/** Sources of the bundle besides node_modules: the entry and what it imports from CLIENT_DIR. */
const ENTRY = 'playground.jsx';
const PACKAGES = ['graphiql', '@graphiql/react', '@graphiql/plugin-explorer', 'react', 'react-dom', 'monaco-editor', 'monaco-graphql', 'esbuild'];

/** Where built bundles are kept between starts (one folder per input hash). */
export const BUNDLE_CACHE = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'yuhang-registry-web');

async function inputHash(): Promise<string> {
  const h = createHash('sha256');
  for (const file of (await readdir(CLIENT_DIR)).filter((f) => /\.(jsx?|css)$/.test(f) && f.startsWith('playground')).sort()) {
    h.update(file).update(await readFile(path.join(CLIENT_DIR, file)));
  }
  for (const pkg of PACKAGES) h.update(`${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}`);
  return h.digest('hex').slice(0, 16);
}

async function build(hash: string): Promise<PlaygroundBundle> {
  const dir = path.join(BUNDLE_CACHE, hash);
  const done = path.join(dir, 'files.json');
  if (existsSync(done)) return { hash, dir, files: JSON.parse(await readFile(done, 'utf8')) as string[] };
  const esbuild = await import('esbuild');
  // Note: build into a private folder and rename it into place, so API processes starting together
  // (tests, or npm start beside npm run import) never serve a half-written bundle.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    await esbuild.build({
      absWorkingDir: PROJECT_ROOT,
      entryPoints: {
        playground: path.join(CLIENT_DIR, ENTRY),
        'editor.worker': require.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
        'json.worker': require.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
        'graphql.worker': require.resolve('monaco-graphql/esm/graphql.worker.js'),
      },
      outdir: tmp,
      bundle: true,
      // Note: classic scripts and classic workers (iife) work in every browser a district office
      // runs, and need nothing from the page but `script-src 'self'`.
      format: 'iife',
      target: ['chrome100', 'firefox100', 'safari15', 'edge100'],
      minify: true,
      jsx: 'automatic',
      loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
      assetNames: '[name]-[hash]',
      define: { 'process.env.NODE_ENV': '"production"' },
      legalComments: 'external',
      logLevel: 'silent',
    });
    const files = (await readdir(tmp)).filter((f) => !f.endsWith('.gz')).sort();
    for (const f of files) await writeFile(path.join(tmp, `${f}.gz`), await gzipAsync(await readFile(path.join(tmp, f)), { level: 6 }));
    await writeFile(path.join(tmp, 'files.json'), JSON.stringify(files));
    try {
      await rename(tmp, dir);
    } catch (e) {
      // Another process finished the same build first: use its copy.
      if (!existsSync(done)) throw e;
      await rm(tmp, { recursive: true, force: true });
    }
    await prune(hash);
    return { hash, dir, files };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Keeps the newest few bundles (an older checkout's API may still be serving one) and drops the rest. */
async function prune(current: string, keep = 3): Promise<void> {
  try {
    const entries = await Promise.all(
      (await readdir(BUNDLE_CACHE)).map(async (name) => ({ name, mtime: (await stat(path.join(BUNDLE_CACHE, name))).mtimeMs })),
    );
    const hourAgo = Date.now() - 3_600_000;
    const builds = entries.filter((e) => !e.name.includes('.tmp-') && e.name !== current).sort((a, b) => b.mtime - a.mtime);
    const stale = [...builds.slice(keep - 1), ...entries.filter((e) => e.name.includes('.tmp-') && e.mtime < hourAgo)];
    await Promise.all(stale.map((e) => rm(path.join(BUNDLE_CACHE, e.name), { recursive: true, force: true })));
  } catch {
    // Note: pruning is housekeeping; a failure must not stop the playground.
  }
}

let pending: Promise<PlaygroundBundle> | undefined;

/**
 * The playground bundle, built on first use (a few seconds, once per set of package versions) and
 * kept under node_modules/.cache; later starts reuse it. Only a request for the playground asks for
 * it, so API processes that never serve the playground (most tests) never build it.
 */
export function playgroundBundle(): Promise<PlaygroundBundle> {
  pending ??= inputHash()
    .then(build)
    .catch((e: unknown) => {
      pending = undefined;
      throw e;
    });
  return pending;
}
