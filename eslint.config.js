import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tmp/'] },
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
    files: ['__tests__/**'],
    rules: {
      // Fakes implement the code's async interfaces (a client, a clock) without needing to await.
      '@typescript-eslint/require-await': 'off'
    }
  },
  // Plain JavaScript (the scripts, this file) is outside the TypeScript project: not type-checked.
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked }
)
