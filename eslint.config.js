import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tmp/', 'cli/index.js'] },
  js.configs.recommended,
  // Type-checked: catches promises left floating, awaited non-promises, unsafe any.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    rules: {
      // Unused names are errors, except the ones marked as deliberately unused.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // API text is matched with control characters on purpose (line breaks, escapes).
      'no-control-regex': 'off',
      // A variable read by a callback before it is assigned (the outputs of a step that failed early) stays a let.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }]
    }
  },
  {
    // The core knows nothing of its front doors: only src/github/ talks to the runner's toolkit, and
    // nothing imports a front door (src/github/, src/cli/) but the front door itself.
    files: ['src/**/*.ts'],
    ignores: ['src/github/**', 'src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@actions/core', message: 'only src/github/ imports @actions/core; the core logs through host.ts' }
          ],
          patterns: [{ group: ['**/github/*', '**/cli/*'], message: 'the core never imports a front door' }]
        }
      ]
    }
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@actions/core', message: 'only src/github/ imports @actions/core' }],
          patterns: [{ group: ['**/github/*'], message: 'the command-line tool does not use the GitHub adapter' }]
        }
      ]
    }
  },
  {
    files: ['__tests__/**'],
    rules: {
      // Fakes implement the code's async interfaces (a client, a clock) without needing to await.
      '@typescript-eslint/require-await': 'off'
    }
  },
  // Plain JavaScript (the scripts, this file) is outside the TypeScript project: not type-checked.
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked }
)
