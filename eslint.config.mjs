// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'bench/out/**', 'openapi.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      'no-console': 'error',
      // Config is read in one place (platform/config); everything else gets it injected.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through APP_CONFIG (platform/config).' }],
      // Request DTOs must be imported as values or validation silently does not run.
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    files: ['src/platform/config/**', 'src/main.ts', 'src/cli.ts', 'src/platform/runtime/**', 'test/**', 'bench/**', 'scripts/**', 'config/**', 'bin/**', '*.js', '*.mjs'],
    rules: { 'no-restricted-properties': 'off', 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**', 'src/**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
