// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/**
 * The layers only point one way: shared ← signaling; shared ← net/storage ← app ← components.
 * Each folder lists what it may not import, so a wrong-way import fails `npm run lint`.
 */
const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

/** What no file of client/app/ may import. */
const appPatterns = [
  {
    group: ['**/components/**', 'lit', 'lit/*'],
    message: 'app/ holds state and commands; it does not render.',
  },
  { group: ['simple-peer'], message: 'Only client/net/peer-connection.ts imports simple-peer.' },
  { group: ['idb'], message: 'Only client/storage/ imports idb.' },
  { group: ['**/signaling/**'], message: 'The client does not import the server.' },
  {
    // A static import would put the pure-JS crypto into the bundle every HTTPS page loads.
    group: ['@noble/*', '**/noble-provider.js'],
    allowTypeImports: true,
    message:
      'Only identity/noble-provider.ts imports @noble, and only crypto-provider.ts loads it (import()).',
  },
];

/** The feature folders of client/app/. */
const appFeatures = ['session', 'roster', 'conversations', 'attention', 'files', 'voice', 'history'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', '.tsbuild/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
        { selector: "CallExpression[callee.property.name='only']", message: 'No .only in tests.' },
        {
          // zod's `z` is an object holding everything, its 40 locales and JSON Schema tools among them,
          // so the bundler keeps all of it (454 KB); the namespace import keeps only what is used (85 KB).
          selector: "ImportDeclaration[source.value=/^zod/] > ImportSpecifier[imported.name='z']",
          message: "import * as z from 'zod': the named `z` bundles all of zod.",
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '*.config.js'],
    languageOptions: { globals: globals.node },
  },
  {
    // Written by `npm run i18n:build`, with eslint-disable lines for what other projects' texts need.
    files: ['client/i18n/generated/*.ts'],
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  {
    // Tools read these files' default export.
    files: ['*.config.js', '*.config.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  layer(
    ['shared/**/*.ts'],
    [
      {
        group: ['../signaling/*', '../client/*', '**/signaling/**', '**/client/**'],
        message: 'shared/ depends on nothing.',
      },
      {
        group: ['node:*', 'ws', 'lit', 'lit/*', 'idb', 'simple-peer'],
        message: 'shared/ has no Node, DOM or app dependency.',
      },
    ],
  ),
  layer(
    ['signaling/**/*.ts'],
    [{ group: ['**/client/**'], message: 'The server does not import the client.' }],
  ),
  layer(
    ['client/net/**/*.ts', 'client/storage/**/*.ts'],
    [
      {
        group: ['**/app/**', '**/components/**', 'lit', 'lit/*', '@lit/*'],
        message: 'net/ and storage/ sit below app/ and components/.',
      },
      { group: ['**/signaling/**'], message: 'The client does not import the server.' },
    ],
  ),
  layer(
    ['client/net/**/*.ts'],
    [
      { group: ['simple-peer'], message: 'Only client/net/peer-connection.ts imports simple-peer.' },
      { group: ['idb', '**/storage/**'], message: 'net/ does not touch storage.' },
      {
        group: ['**/app/**', '**/components/**', 'lit', 'lit/*', '@lit/*'],
        message: 'net/ sits below app/ and components/.',
      },
    ],
  ),
  {
    files: ['client/net/peer-connection.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['idb', '**/storage/**', '**/app/**', '**/components/**', 'lit', 'lit/*'] }] },
      ],
    },
  },
  layer(
    ['client/storage/**/*.ts'],
    [
      { group: ['simple-peer', '**/net/**'], message: 'storage/ does not touch the network.' },
      {
        group: ['**/app/**', '**/components/**', 'lit', 'lit/*', '@lit/*'],
        message: 'storage/ sits below app/ and components/.',
      },
    ],
  ),
  layer(
    ['client/workers/**/*.ts'],
    [
      {
        group: ['**/app/**', '**/components/**', '**/net/**', 'lit', 'lit/*', '@lit/*', 'simple-peer'],
        message: 'A worker does its work with storage/ and shared/ only: no page, no network.',
      },
      { group: ['**/signaling/**'], message: 'The client does not import the server.' },
    ],
  ),
  layer(
    // It checks signatures exactly as the page does, with identity's providers (which touch no
    // page and no network): the rest of app/ stays out of reach.
    ['client/workers/verify-worker.ts'],
    [
      {
        group: ['**/app/*/*', '!**/app/identity/crypto-provider.js', '!**/app/identity/device-key.js'],
        message: 'The verify worker uses identity/crypto-provider.ts and device-key.ts only.',
      },
      {
        group: ['**/components/**', '**/net/**', 'lit', 'lit/*', '@lit/*', 'simple-peer', '**/signaling/**'],
        message: 'A worker does its work with storage/ and shared/ only: no page, no network.',
      },
    ],
  ),
  layer(['client/app/**/*.ts'], appPatterns),
  layer(
    ['client/app/identity/noble-provider.ts'],
    appPatterns.filter((pattern) => !pattern.group.includes('@noble/*')),
  ),
  // Each feature folder of app/ reaches the others only through the peer port (peer-links.ts), the
  // composition root (messenger.ts), or types; the directory (who is in which conversation) is
  // every feature's shared read-only view, handed in by the root.
  ...appFeatures.map((feature) =>
    layer(
      [`client/app/${feature}/**/*.ts`],
      [
        ...appPatterns,
        {
          group: [
            ...appFeatures.filter((other) => other !== feature).map((other) => `../${other}/*`),
            '!../roster/directory.js',
          ],
          allowTypeImports: true,
          message: 'Features reach each other through peer-links.ts, the composition root, or types.',
        },
      ],
    ),
  ),
  layer(
    ['client/i18n/**/*.ts'],
    [
      {
        group: ['**/app/**', '**/components/**', '**/net/**', '**/storage/**', 'lit', 'lit/*'],
        message: 'i18n/ sits below app/ and components/, which both translate with it.',
      },
      { group: ['**/signaling/**'], message: 'The client does not import the server.' },
    ],
  ),
  layer(
    ['client/components/**/*.ts'],
    [
      { group: ['simple-peer'], message: 'Only client/net/peer-connection.ts imports simple-peer.' },
      {
        group: ['idb', '**/storage/**', '**/net/**'],
        message: 'components/ talk to app/, not to net/ or storage/.',
      },
      { group: ['**/signaling/**'], message: 'The client does not import the server.' },
    ],
  ),
  layer(
    ['client/main.ts'],
    [{ group: ['simple-peer', 'idb'], message: 'Only net/ and storage/ touch their libraries.' }],
  ),
  prettier,
);
