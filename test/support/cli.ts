import { spawn } from 'node:child_process';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of the project's TypeScript commands (as `npm run` would, without npm) with extra environment. */
export function runCli(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `npm run keys -- create …` against the database `env` names; returns the key (the last line of stdout). */
export async function createKeyWithCli(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const res = await runCli('src/auth/keys.cli.ts', ['create', ...args], env);
  if (res.code !== 0) throw new Error(`keys create failed (${res.code}): ${res.stderr}${res.stdout}`);
  return res.stdout.trim().split('\n').at(-1)!;
}
