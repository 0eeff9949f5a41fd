// Lint is mostly here to keep the runtime boundaries true (see README "Layout").
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

// The simulators (sandbox/) are a product of their own; these rules keep the dependency one-way.
// They resolve relative specifiers against the importing file, because a pattern on the specifier
// cannot tell the top-level sandbox/ from the engine's electron/backend/sandbox/.
const root = path.dirname(fileURLToPath(import.meta.url));
const sandboxRoot = path.join(root, 'sandbox');
const sandboxRegistry = path.join(sandboxRoot, 'registry');
// The engine starts simulators in exactly two places: the app's sandbox workspace and `mlc sandbox`.
const registryImporters = ['electron/backend/sandbox/sandbox.handlers.ts', 'electron/backend/cli/commands/sandbox.ts'];

const isInside = (folder, file) => {
  const relative = path.relative(folder, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

/** Calls `check(specifier, node)` for every static or dynamic import, re-export and `import('…')` type. */
const importVisitor = (check) => {
  const visit = (node, source) => {
    if (source?.type === 'Literal' && typeof source.value === 'string') check(source.value, source);
  };
  return {
    ImportDeclaration: (node) => visit(node, node.source),
    ExportNamedDeclaration: (node) => visit(node, node.source),
    ExportAllDeclaration: (node) => visit(node, node.source),
    ImportExpression: (node) => visit(node, node.source),
    TSImportType: (node) => visit(node, node.argument?.literal ?? node.argument),
  };
};

const boundaries = {
  rules: {
    'sandbox-self-contained': {
      meta: {
        type: 'problem',
        schema: [],
        messages: {
          outside:
            "sandbox/ uses only Node builtins, zod and sandbox/ itself (not '{{specifier}}'): the simulators are built from outside facts, never from engine code.",
        },
      },
      create(context) {
        return importVisitor((specifier, node) => {
          const allowed = specifier.startsWith('.')
            ? isInside(sandboxRoot, path.resolve(path.dirname(context.filename), specifier))
            : nodeBuiltins.includes(specifier) || specifier === 'zod' || specifier.startsWith('zod/');
          if (!allowed) context.report({ node, messageId: 'outside', data: { specifier } });
        });
      },
    },
    'sandbox-through-registry': {
      meta: {
        type: 'problem',
        schema: [],
        messages: {
          notRegistry:
            "The engine reaches the simulators only through sandbox/registry.ts (not '{{specifier}}'): connectors never know they talk to a simulator.",
          notHere: 'Only the sandbox workspace handlers and `mlc sandbox` start simulators ({{allowed}}).',
        },
      },
      create(context) {
        const importer = path.relative(root, context.filename).split(path.sep).join('/');
        return importVisitor((specifier, node) => {
          if (!specifier.startsWith('.')) return;
          const target = path.resolve(path.dirname(context.filename), specifier);
          if (!isInside(sandboxRoot, target)) return;
          if (target.replace(/\.(ts|js)$/, '') !== sandboxRegistry)
            context.report({ node, messageId: 'notRegistry', data: { specifier } });
          else if (!registryImporters.includes(importer))
            context.report({ node, messageId: 'notHere', data: { allowed: registryImporters.join(', ') } });
        });
      },
    },
  },
};

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
    files: ['sandbox/**/*.ts'],
    plugins: { boundaries },
    rules: { 'boundaries/sandbox-self-contained': 'error' },
  },
  {
    // test/** may import any simulator directly: tests drive them through their control objects.
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    plugins: { boundaries },
    rules: { 'boundaries/sandbox-through-registry': 'error' },
  },
  {
    // Tables have owners: SQL lives in the store and in repositories, each behind an interface a
    // second database could implement. Handlers, commands and the engine call repository methods.
    files: ['electron/**/*.ts', 'scripts/**/*.mjs', 'bin/**/*.js'],
    ignores: ['electron/backend/store/**', '**/*.repository.ts'],
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
  {
    // The engine and the runtimes are async through the store (PostgreSQL too): a store or connector
    // call left without `await` runs out of order, and its failure becomes an unhandled rejection
    // (a run note once landed after its run's last row this way). Type-aware, so electron/ only.
    files: ['electron/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
);
