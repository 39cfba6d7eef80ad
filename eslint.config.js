// Lint configuration: typescript-eslint's recommended rules on top of ESLint's; formatting is Prettier's job.
import js from '@eslint/js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/**
 * The console (src/web) may import its own files and src/contracts, nothing else of this repository. Written
 * here because no-restricted-imports matches specifiers, not where a relative path lands (src/web/lib is the
 * console's own; src/lib is not).
 */
const consoleImports = {
  meta: {
    type: 'problem',
    messages: { outside: 'The console imports only src/contracts and its own code, not {{target}}.' },
  },
  create(context) {
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path
        .relative(ROOT, path.resolve(path.dirname(context.filename), spec))
        .split(path.sep)
        .join('/');
      if (target.startsWith('src/web/') || target.startsWith('src/contracts/')) return;
      context.report({ node, messageId: 'outside', data: { target } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

const MODULES_NOT_PIPELINE = {
  regex: '(^|/)pipeline/',
  message: 'Feature modules do not import the pipeline: it calls them (move the shared piece into a module).',
};
const NO_REPOSITORY = {
  regex: '\\.repository\\.ts$',
  message: 'No SQL in routes: call a service, which uses the repository.',
};
const NO_KYSELY = { name: 'kysely', message: 'No SQL in routes: call a service.' };
const NO_QUERY_BUILDER = {
  selector:
    'CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|transaction)$/]',
  message: 'No SQL in routes: call a service.',
};

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'dist', 'bench/results', 'test-artifacts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['bin/**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  // Boundaries (docs/architecture.md). The console imports only src/contracts (and its own code), never server,
  // simulator or CLI files. Feature modules never import the pipeline: the pipeline orchestrates them. Routes
  // hold no SQL: they parse, authorise, call a service and present.
  {
    files: ['src/web/**/*.{ts,tsx}'],
    plugins: { tsunagi: { rules: { 'console-imports': consoleImports } } },
    rules: { 'tsunagi/console-imports': 'error' },
  },
  {
    files: ['src/server/modules/**/*.ts'],
    ignores: ['**/*.routes.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [MODULES_NOT_PIPELINE] }] },
  },
  {
    files: ['src/server/modules/**/*.routes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [NO_KYSELY], patterns: [MODULES_NOT_PIPELINE, NO_REPOSITORY] },
      ],
      'no-restricted-syntax': ['error', NO_QUERY_BUILDER],
    },
  },
  {
    files: ['src/server/http/*.routes.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [NO_KYSELY], patterns: [NO_REPOSITORY] }],
      'no-restricted-syntax': ['error', NO_QUERY_BUILDER],
    },
  },
);
