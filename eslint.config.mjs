// One lint for every workspace: ESLint's and typescript-eslint's recommended rules, React's hooks rules
// for the mini-program, and a few that catch what review kept finding. Style is not linted here.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: ['**/node_modules/', '**/dist/', '**/cdk.out/', '**/.data/', '**/.swc/', '**/.temp/', 'miniapp/e2e/screenshots/']
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error', reportUnusedInlineConfigs: 'error' },
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      // `_`-prefixed names are deliberately unused (a positional parameter, a rest sibling)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      'prefer-const': 'error',
      'no-var': 'error',
      'object-shorthand': ['error', 'properties']
    }
  },
  {
    // CommonJS configs (jest, babel)
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    files: ['**/test/**', '**/*.test.ts', '**/*.test.tsx'],
    languageOptions: { globals: { ...globals.jest } }
  },
  {
    files: ['miniapp/src/**', 'miniapp/test/**', 'miniapp/bench/hello-world/src/**'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error'
    }
  },
  {
    // response bodies and synthesized templates are read loosely where a test or a bench inspects them
    files: ['**/test/**', '**/bench/**', '**/load/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  },
  {
    // Playwright callbacks run in the page
    files: ['miniapp/e2e/**', 'miniapp/bench/**'],
    languageOptions: { globals: { ...globals.browser } }
  }
)
