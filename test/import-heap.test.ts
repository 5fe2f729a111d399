import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let reporter: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'registry-heap-'));
  await chmod(dir, 0o755);
  reporter = path.join(dir, 'heap.mjs');
  await writeFile(
    reporter,
    `import v8 from 'node:v8';\nprocess.stderr.write(\`heap limit \${Math.round(v8.getHeapStatistics().heap_size_limit / 1048576)} MiB\\n\`);\n`,
  );
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The heap limit of the import's process under `npm run import` (the last process to report it: npm's own comes first). */
async function importHeapMiB(nodeOptions: string): Promise<number> {
  const child = spawn('npm', ['run', '--silent', 'import', '--', path.join(dir, 'nothing.csv')], {
    env: {
      ...process.env,
      PG_DATA_DIR: path.join(dir, 'no-database'),
      DATABASE_URL: '',
      NODE_OPTIONS: `${nodeOptions} --import ${pathToFileURL(reporter).href}`.trim(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  await once(child, 'exit');
  const limits = [...output.matchAll(/heap limit (\d+) MiB/g)].map((m) => Number(m[1]));
  expect(limits.length, output).toBeGreaterThan(0);
  return limits.at(-1)!;
}

describe('the heap of npm run import', () => {
  it('is capped at 384 MiB of old space by default, and NODE_OPTIONS=--max-old-space-size raises it, as README says', async () => {
    const capped = await importHeapMiB('');
    // heap_size_limit is the old space (384 MiB here) plus the young generation, whose default size differs
    // between Node lines (Node 20: 384 + 48 = 432 MiB; Node 24: 384 + 192 = 576 MiB). Uncapped, it is
    // about a quarter of the machine's memory (GiBs), so below 1 GiB means the cap was applied.
    expect(capped).toBeGreaterThanOrEqual(384);
    expect(capped).toBeLessThan(1024);
    const raised = await importHeapMiB('--max-old-space-size=1024');
    expect(raised).toBeGreaterThanOrEqual(1024);
    expect(raised).toBeGreaterThan(capped);
  }, 60_000);
});
