#!/usr/bin/env node
/**
 * Run by `npm start` before the API: compiles the TypeScript (src/ and mikro-orm.config.ts) with
 * `tsc -p tsconfig.build.json` into dist/ when dist/ is missing or older than any of its inputs
 * (a file under src/, package-lock.json, package.json, the tsconfigs, mikro-orm.config.ts).
 * Otherwise it prints nothing and takes a few milliseconds. No network.
 *
 * The compiler writes into a private folder that replaces dist/ only once it is complete, under a
 * lock, so two starts at the same time never run a half-written dist/. `dist/.build-stamp` records
 * when the inputs were read: a file changed during a build makes the next start compile again.
 * `--force` compiles whatever the stamps say; `--check` only tells: exit 0 when dist/ is current,
 * else 1 with the reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
const LOCK = path.join(ROOT, '.dist-lock');
const INPUT_FILES = ['package-lock.json', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'mikro-orm.config.ts'];
const INPUT_DIRS = ['src'];
const LOCK_STALE_MS = 10 * 60_000;

const say = (msg) => console.log(`[build] ${msg}`);
const rel = (file) => path.relative(ROOT, file);

/** The newest input file and its mtime. */
function newestInput() {
  let newest = { file: '', mtimeMs: 0 };
  const consider = (file) => {
    const { mtimeMs } = statSync(file);
    if (mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) consider(full);
    }
  };
  for (const f of INPUT_FILES) if (existsSync(path.join(ROOT, f))) consider(path.join(ROOT, f));
  for (const d of INPUT_DIRS) walk(path.join(ROOT, d));
  return newest;
}

/** Why dist/ must be (re)built, or undefined when it is current. */
function staleness() {
  if (!existsSync(STAMP)) return existsSync(DIST) ? 'dist/ has no build stamp' : 'dist/ is missing';
  const built = statSync(STAMP).mtimeMs;
  const newest = newestInput();
  return newest.mtimeMs > built ? `${rel(newest.file)} is newer than dist/` : undefined;
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** A directory lock (mkdir is atomic): waits while another live build holds it. */
async function lock() {
  const began = Date.now();
  let told = false;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let holder;
    let age = 0;
    try {
      holder = Number(readFileSync(path.join(LOCK, 'pid'), 'utf8'));
      age = Date.now() - statSync(LOCK).mtimeMs;
    } catch {
      // the holder is just creating or removing it
    }
    if ((holder && !pidAlive(holder)) || age > LOCK_STALE_MS) {
      rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (!told) {
      say(`waiting for the build of process ${holder ?? '?'} …`);
      told = true;
    }
    if (Date.now() - began > LOCK_STALE_MS) throw new Error(`${rel(LOCK)} is still held after ${LOCK_STALE_MS / 60_000} minutes`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function build(reason) {
  const began = Date.now();
  say(`${reason}: compiling the TypeScript with tsc (tsconfig.build.json) …`);
  const tmp = path.join(ROOT, `.dist-tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    throw new Error('typescript is not installed: run `npm ci` first');
  }
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', tmp], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`tsc failed (${run.status ?? run.signal}); dist/ was left as it was`);
  }
  // Note: the stamp carries the time the inputs were read, not the end of the build.
  writeFileSync(path.join(tmp, '.build-stamp'), `built by scripts/ensure-build.mjs with node ${process.version}\n`);
  utimesSync(path.join(tmp, '.build-stamp'), began / 1000, began / 1000);
  const old = path.join(ROOT, `.dist-old-${process.pid}`);
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(tmp, DIST);
  rmSync(old, { recursive: true, force: true });
  say(`compiled in ${((Date.now() - began) / 1000).toFixed(1)} s into dist/`);
}

try {
  const force = process.argv.includes('--force');
  if (process.argv.includes('--check')) {
    const reason = staleness();
    say(reason ? `${reason}: npm start will compile` : 'dist/ is current');
    process.exit(reason ? 1 : 0);
  }
  if (force || staleness()) {
    await lock();
    try {
      // Note: another start may have built while this one waited for the lock.
      const reason = force ? 'forced' : staleness();
      if (reason) build(reason);
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
} catch (e) {
  console.error(`[build] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
