/**
 * The `npm start` command line of package.json, split into its steps, so tests, benches and the
 * soak start the API exactly as `npm start` does (without npm in between, so signals and
 * /proc/<pid> reach the API process itself). `npm start` is
 *   node scripts/ensure-build.mjs && node --max-old-space-size=384 --max-semi-space-size=16 dist/src/main.js
 * (the heap cap: README, Memory under abuse; the young generation at 16 MiB per semi-space, Node
 * 20's and 22's default, which Node 24 doubled: README, Running in production)
 * every step but the last prepares (builds dist/ when it is missing or stale); the last is the API.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface StartCommand {
  /** Node arguments of each step before the API (the build check), in order. */
  prepare: string[][];
  /** Node arguments of the API process (flags and the entry file). */
  api: string[];
}

/** package.json's `start` script as node argument lists (every step must be a plain `node …` command). */
export function startCommand(): StartCommand {
  const start: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const steps = start.split('&&').map((step) => {
    const [command, ...args] = step.trim().split(/\s+/);
    if (command !== 'node') throw new Error(`npm start is not a chain of plain node commands: ${start}`);
    return args;
  });
  return { prepare: steps.slice(0, -1), api: steps[steps.length - 1] };
}

export interface Prepared {
  /** Whether a step compiled (it printed "[build] compiled"). */
  built: boolean;
  ms: number;
  output: string;
}

/**
 * Runs the steps before the API (with this process's node, in the project root): after this,
 * dist/ is current. Throws with the steps' output when one fails.
 */
export function prepareStart(env: NodeJS.ProcessEnv = process.env): Prepared {
  const began = performance.now();
  let output = '';
  for (const args of startCommand().prepare) {
    const run = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
    output += run.stdout + run.stderr;
    if (run.status !== 0) throw new Error(`\`node ${args.join(' ')}\` failed (${run.status ?? run.signal}):\n${output}`);
  }
  return { built: output.includes('[build] compiled'), ms: performance.now() - began, output };
}
