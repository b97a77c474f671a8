import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Folders mirror processes, and the arrows between them are enforced here:
// common → nothing; renderer → common only; only main/electron and preload touch Electron.
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'net', 'crypto'];

// The main process in layers, each allowed to import only the folders listed (and common/); the
// lists are the architecture, so a new arrow is a decision made here, not an accident elsewhere.
const below = ['platform', 'providers', 'approvals', 'sessions', 'usage', 'runner', 'proxy', 'tasks'];
const MAIN_LAYERS = {
  platform: [],
  providers: ['platform'],
  approvals: ['platform'],
  sessions: ['platform'],
  usage: ['platform', 'sessions'],
  runner: ['platform', 'providers', 'approvals'],
  proxy: ['platform', 'providers'],
  tasks: ['platform', 'providers', 'sessions'],
  services: ['platform', 'providers', 'runner'],
  turns: below,
  server: [...below, 'turns'],
  control: [...below, 'turns', 'server', 'services'],
  desktop: ['platform', 'control'],
  app: [...below, 'turns', 'server', 'services', 'control'],
};
const ELECTRON_ONLY = { name: 'electron', message: 'Only main/electron may import electron.' };

function layerRule(layer, allowed) {
  const forbidden = [...Object.keys(MAIN_LAYERS), 'electron'].filter((name) => name !== layer && !allowed.includes(name));
  return {
    files: [`main/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [ELECTRON_ONLY],
        patterns: [{ regex: `^(\\.\\./)+(${forbidden.join('|')})/`, message: `main/${layer} may import only ${allowed.length ? allowed.join(', ') : 'node and common/'} (layers in eslint.config.js).` }],
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-lines': ['warn', 400],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [ELECTRON_ONLY] }],
    },
  },
  ...Object.entries(MAIN_LAYERS).map(([layer, allowed]) => layerRule(layer, allowed)),
  {
    files: ['common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['electron', ...nodeBuiltins, 'react'], message: 'common/ is pure TypeScript.' }] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [{ group: ['electron', ...nodeBuiltins, '**/main/**', '**/preload/**'], message: 'The renderer talks to main only through common/ types and the preload API.' }] }],
    },
  },
);
