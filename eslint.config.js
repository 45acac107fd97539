// Layering rules from DEVELOPERS.md, enforced here rather than remembered.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'zlib', 'stream', 'child_process', 'worker_threads', 'http', 'net', 'url', 'util', 'events', 'readline'];

/** Builds a no-restricted-imports rule from forbidden path groups and regexes. */
function restrict(groups, message, regexes = []) {
  return [
    'error',
    {
      patterns: [
        ...(groups.length ? [{ group: groups, message }] : []),
        ...regexes.map((regex) => ({ regex, message })),
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'test-results/**', 'release/**', 'main/core/json/assembly/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([], 'shared/ imports nothing but itself (it is flat: ./ imports only).', ['^(?!\\./)']),
    },
  },
  {
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['electron', 'worker_threads', 'node:worker_threads', 'react', 'react-dom', 'zustand', '**/worker/**', '**/app/**', '**/host/**', '**/preload/**', '**/service/**', '**/renderer/**'],
        'main/core is plain Node: no Electron, no worker_threads, no UI, no outer layers.',
      ),
    },
  },
  {
    files: ['main/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['electron', 'react', 'react-dom', 'zustand', '**/app/**', '**/host/**', '**/preload/**', '**/service/**', '**/renderer/**'],
        'main/worker owns the database: it may use core and shared only.',
      ),
    },
  },
  {
    files: ['main/service/**/*.ts', 'main/host/**/*.ts', 'main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['electron', 'react', 'react-dom', 'zustand', '**/app/**', '**/preload/**', '**/renderer/**'],
        'Only main/app and main/preload may use Electron; no UI code in the backend.',
      ),
    },
  },
  {
    files: ['main/app/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(['react', 'react-dom', 'zustand', '**/renderer/**', '**/host/**', '**/cli/**'], 'main/app is the Electron shell.'),
    },
  },
  {
    files: ['main/preload/**/*.ts', 'main/preload/**/*.cts'],
    rules: {
      'no-restricted-imports': restrict(
        [...nodeBuiltins, 'react', '**/core/**', '**/worker/**', '**/app/**', '**/host/**', '**/service/**', '**/cli/**', '**/renderer/**'],
        'The preload exposes the shared contract via contextBridge and nothing else.',
      ),
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrict(
        [...nodeBuiltins, 'electron', '**/main/**'],
        'renderer/ imports react, zustand, UI libraries and shared/ only; renderer/api.ts is the one door to the backend.',
        ['^(?!react$|react-dom|react/|zustand|@tanstack/react-virtual|uplot|vitest|@testing-library/|\\.)'],
      ),
    },
  },
);
