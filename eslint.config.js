import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The layers (docs/architecture.md): core/ <- simulator/ <- src/ <- steps/ + the CLI.
// Imports point down only; src/ reaches the simulator only where a target starts it.
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
  },
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'reports/', 'bench/results/', 'bench/build/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  layer(['core/**/*.ts'], ['**/src/**', '**/simulator/**', '**/steps/**', '@cucumber/*'], 'core/ imports nothing of the project: it is the layer both the harness and the simulator stand on'),
  layer(['simulator/**/*.ts'], ['**/src/**', '**/steps/**', '@cucumber/*'], 'the simulator imports only core/ (it runs alone in the container image)'),
  layer(
    ['src/**/*.ts'],
    ['**/simulator/**', '**/steps/**', '@cucumber/*'],
    'src/ reaches simulator/ only where a card is started (the simulator target\'s card thread, src/targets/card-host-serve.ts, and src/cli/sim.ts), and below the CLI nothing imports cucumber',
  ),
  // The CLI is the top layer with steps/: it runs cucumber and reads feature files as cucumber does (src/cli/key-plan.ts).
  layer(['src/cli/**/*.ts'], ['**/simulator/**', '**/steps/**'], 'the CLI reaches simulator/ only in src/cli/sim.ts, and starts the steps through cucumber, never by import'),
  { files: ['src/targets/card-host-serve.ts', 'src/cli/sim.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/steps/**', '@cucumber/*'], message: 'the harness never imports the cucumber layer' }] }] } },
);
