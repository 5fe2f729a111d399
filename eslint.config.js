// ESLint: typescript-eslint's recommended rules (without type information: a type-aware run takes about
// three times as long), imports sorted, and no unused code. Layout is Prettier's job (prettier.config.js);
// unused exports, files and dependencies are knip's (knip.json). Both run in `npm run lint`.
import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Besides what .gitignore lists (ESLint reads only this list): generated or recorded files.
    ignores: ['dist/', '.data/', 'coverage/', 'test/artifacts/', '.dist-*/', 'bench/results/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { globals: globals.node },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      // One block, no blank lines (the house style): side-effect imports, node:, packages, then relative paths.
      'simple-import-sort/imports': ['error', { groups: [['^\\u0000', '^node:', '^@?\\w', '^', '^\\.']] }],
      'simple-import-sort/exports': 'error',
      // A `let` that closures read before its one assignment (a timer set after the handlers that clear it) stays a `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Unused variables, imports, parameters and functions are errors; a leading `_` marks one kept on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Browser code served by the API: the playground (bundled by src/web/bundle.ts) and the dashboard (a plain script).
    files: ['src/web/client/**/*.{js,jsx}'],
    languageOptions: { globals: globals.browser, parserOptions: { ecmaFeatures: { jsx: true } } },
  },
  {
    // Tests and scripts read GraphQL responses and JSON reports as untyped data.
    files: ['test/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
