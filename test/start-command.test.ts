import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, cp, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, startCommand } from '../scripts/start-command.js';
import { findFreePort } from '../src/db/embedded.js';
import { gql, type RunningApi, startApi, stopLeftoverPostgres } from './support/start-command.js';

const dirs: string[] = [];
const apis: RunningApi[] = [];

afterAll(async () => {
  for (const api of apis) if (api.child.exitCode === null && api.child.signalCode === null) api.child.kill('SIGKILL');
  for (const dir of dirs) {
    await stopLeftoverPostgres(path.join(dir, 'pg'));
    await rm(dir, { recursive: true, force: true });
  }
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o755);
  dirs.push(dir);
  return dir;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node scripts/ensure-build.mjs …` in `cwd` (asynchronously: a build takes a while). */
function ensureBuild(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/ensure-build.mjs', ...args], { cwd, encoding: 'utf8', timeout: 300_000 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      resolve({ code: error ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr });
    });
  });
}

describe('npm start', () => {
  it('is the build check, then the compiled API (dist/src/main.js) with the heap cap and young generation size', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe('node scripts/ensure-build.mjs && node --max-old-space-size=384 --max-semi-space-size=16 dist/src/main.js');
    expect(startCommand()).toEqual({
      prepare: [['scripts/ensure-build.mjs']],
      api: ['--max-old-space-size=384', '--max-semi-space-size=16', 'dist/src/main.js'],
    });
    // the Node lines README promises
    expect(pkg.engines.node).toBe('>=20.19 <25');
  });

  it('compiles a missing dist/ with tsc (decorator metadata included), then does nothing while it is current, sees a newer source or lock file, and stops at a type error', async () => {
    // A copy of what the build reads, so this test never swaps the dist/ other tests are running.
    const copy = await tempDir('registry-build-');
    for (const item of [
      'src',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'mikro-orm.config.ts',
      'scripts/ensure-build.mjs',
    ]) {
      await cp(path.join(ROOT, item), path.join(copy, item), { recursive: true, preserveTimestamps: true });
    }
    await symlink(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');

    expect(await ensureBuild(copy, '--check')).toMatchObject({ code: 1, stdout: '[build] dist/ is missing: npm start will compile\n' });
    const first = await ensureBuild(copy);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^\[build\] dist\/ is missing: compiling the TypeScript with tsc \(tsconfig\.build\.json\) …\n\[build\] compiled in [\d.]+ s into dist\/\n$/,
    );
    for (const file of ['dist/src/main.js', 'dist/mikro-orm.config.js', 'dist/src/web/paths.js', 'dist/src/migrations/index.js', 'dist/.build-stamp']) {
      expect(existsSync(path.join(copy, file)), file).toBe(true);
    }
    // Note: esbuild (tsx) would drop this, and type-graphql and MikroORM would then fail at start.
    expect(readFileSync(path.join(copy, 'dist/src/project/project.entity.js'), 'utf8')).toContain('__metadata("design:type"');
    // relative imports keep their .js specifiers, which Node resolves as they are
    expect(readFileSync(path.join(copy, 'dist/src/main.js'), 'utf8')).toContain("from './db/database.js'");
    // no build folder or lock left behind
    expect(readdirSync(copy).filter((f) => f.startsWith('.dist'))).toEqual([]);

    const stamp = statSync(path.join(copy, 'dist/.build-stamp')).mtimeMs;
    const main = statSync(path.join(copy, 'dist/src/main.js')).mtimeMs;
    expect(await ensureBuild(copy)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(statSync(path.join(copy, 'dist/.build-stamp')).mtimeMs).toBe(stamp);
    expect(statSync(path.join(copy, 'dist/src/main.js')).mtimeMs).toBe(main);
    expect(await ensureBuild(copy, '--check')).toMatchObject({ code: 0, stdout: '[build] dist/ is current\n' });

    const later = new Date(Date.now() + 60_000);
    const earlier = new Date(stamp - 60_000);
    for (const file of ['src/server/limits/nodes.ts', 'package-lock.json', 'tsconfig.build.json']) {
      await utimes(path.join(copy, file), later, later);
      expect(await ensureBuild(copy, '--check'), file).toMatchObject({ code: 1, stdout: `[build] ${file} is newer than dist/: npm start will compile\n` });
      await utimes(path.join(copy, file), earlier, earlier);
    }
    expect(await ensureBuild(copy, '--check')).toMatchObject({ code: 0 });

    // a type error: npm start stops there, and dist/ stays as it was
    const file = path.join(copy, 'src/server/limits/nodes.ts');
    await writeFile(file, `${await readFile(file, 'utf8')}\nexport const broken: number = 'not a number';\n`);
    const failed = await ensureBuild(copy);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('src/server/limits/nodes.ts');
    expect(failed.stdout).toContain('error TS2322');
    expect(failed.stderr).toMatch(/^\[build\] tsc failed \(\d\); dist\/ was left as it was\n$/);
    expect(statSync(path.join(copy, 'dist/src/main.js')).mtimeMs).toBe(main);
    expect(statSync(path.join(copy, 'dist/.build-stamp')).mtimeMs).toBe(stamp);
    expect(readdirSync(copy).filter((f) => f.startsWith('.dist'))).toEqual([]);

    await rm(path.join(copy, 'dist/.build-stamp'));
    expect(await ensureBuild(copy, '--check')).toMatchObject({ code: 1, stdout: '[build] dist/ has no build stamp: npm start will compile\n' });
  }, 300_000);

  it('runs the compiled API, which finds the seed workbook, queries/, schema.graphql, the web client and the playground bundle', async () => {
    const dir = await tempDir('registry-start-');
    const port = await findFreePort();
    const api = await startApi({ PG_DATA_DIR: path.join(dir, 'pg') }, port);
    apis.push(api);

    const cmdline = readFileSync(`/proc/${api.child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(cmdline).toEqual([process.execPath, '--max-old-space-size=384', '--max-semi-space-size=16', 'dist/src/main.js']);
    // no run-time TypeScript compiler in the API process
    const maps = readFileSync(`/proc/${api.child.pid}/maps`, 'utf8');
    expect(maps).not.toMatch(/swc/);

    // seeds/registry.xlsx was found and loaded at this first start (F2)
    expect(api.output()).toContain('loading the seed data from seeds/');
    const f2 = await gql(port, `{ fundsLanded(filter: { area: { mountain: true }, period: { year: 2022 } }) { total } }`);
    expect(f2.body).toEqual({ data: { fundsLanded: { total: '710000000' } } });

    const base = `http://127.0.0.1:${port}`;
    const text = async (route: string) => {
      const res = await fetch(base + route);
      expect(res.status, route).toBe(200);
      return res.text();
    };
    expect(await text('/schema.graphql')).toBe(await readFile(path.join(ROOT, 'schema.graphql'), 'utf8'));
    expect(await text('/assets/web/dashboard.js')).toBe(await readFile(path.join(ROOT, 'src/web/client/dashboard.js'), 'utf8'));
    expect(await text('/assets/web/web.css')).toBe(await readFile(path.join(ROOT, 'src/web/client/web.css'), 'utf8'));
    expect(await text('/')).toContain('余杭区山城协作登记库');
    const questions = JSON.parse(await text('/playground/questions.json')) as { file: string }[];
    expect(questions.map((q) => q.file)).toEqual(
      readdirSync(path.join(ROOT, 'queries'))
        .filter((f) => f.endsWith('.graphql'))
        .sort(),
    );

    // the playground bundle: built by esbuild from src/web/client (or taken from node_modules/.cache)
    const page = await text('/playground');
    const script = /<script src="(assets\/playground\/[0-9a-f]+\/playground\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    const bundle = await text(`/${script}`);
    expect(bundle.length).toBeGreaterThan(100_000);

    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
  }, 240_000);
});
