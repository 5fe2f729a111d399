import { createRequire } from 'node:module';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [swc.vite()],
  resolve: {
    // Note: Vite prefers graphql's `module` entry (index.mjs) while Node (and so type-graphql and
    // Apollo) load index.js; two copies break `instanceof GraphQLScalarType`. Use Node's one.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['reflect-metadata'],
    // Note: the API logs one line per request to stdout; tests that read logs capture their own.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
