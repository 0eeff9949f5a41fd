// Lint is mostly here to keep the runtime boundaries true (see README "Layout").
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const nodeOnlyPackages = ['better-sqlite3', 'undici', 'electron-store', 'croner', 'cockatiel', 'bottleneck'];

const restrict = (paths, patterns, message) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: paths.map((name) => ({ name, message })),
      patterns: patterns.map((group) => ({ group: [group], message })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', '.tsbuild/**', 'node_modules/**', 'test-results/**', 'release/**', 'native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: restrict(
      ['electron', ...nodeBuiltins, ...nodeOnlyPackages],
      ['**/electron/**', '**/renderer/**'],
      'shared/ runs everywhere: no Node, no DOM, nothing from electron/ or renderer/.',
    ),
  },
  {
    // Only the two classic hook rules: the plugin's React Compiler rules would judge code written without the compiler.
    files: ['renderer/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      ['electron', ...nodeBuiltins, ...nodeOnlyPackages],
      ['**/electron/**'],
      'renderer/ runs in the browser: talk to the backend through the typed client only.',
    ),
  },
  {
    files: ['electron/backend/**/*.ts', 'test/**/*.{ts,tsx}', 'scripts/**/*.mjs', 'bin/**/*.js'],
    rules: restrict(['electron'], ['electron/*'], "Only electron/main and electron/preload may import 'electron'."),
  },
  {
    // Tables have owners: SQL lives in the store and in repositories, each behind an interface a
    // second database could implement. Handlers, commands and the engine call repository methods.
    files: ['electron/**/*.ts', 'scripts/**/*.mjs', 'bin/**/*.js'],
    ignores: [
      'electron/backend/store/**',
      '**/*.repository.ts',
      // Mapping storage is moving out of flow-store in its own change; until then it keeps its SQL.
      'electron/backend/sync/flow-store.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='prepare']",
          message:
            'SQL belongs to the store: call `.prepare(` only in electron/backend/store/** or a `*.repository.ts` file (an interface plus its SQLite implementation), and give callers a repository method.',
        },
      ],
    },
  },
);
