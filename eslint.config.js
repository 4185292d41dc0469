// One lint configuration for the whole repository: typescript-eslint's recommended rules,
// plus the architectural rule that models/ stays pure (no AWS SDK, no I/O).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'cdk.out/**', '.build/**', '.esbuild/**', 'web/dist/**', 'coverage/**', 'test/generated/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['models/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '@middy/*'], message: 'models/ is pure: no AWS or middleware imports.' },
          { group: ['node:fs', 'node:fs/*', 'fs', 'fs/*', 'node:net', 'node:http', 'node:child_process'], message: 'models/ is pure: I/O belongs to adapters (cli/, lambdas/).' },
        ],
      }],
    },
  },
);
