import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      '.test-build-*/**',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.data/**',
      'test/typed-client/generated/**',
    ],
  },
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@app/*/src/*', '**/libs/*/src/*'],
              message: 'Import a library only through its index: @app/<name>.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['@nestjs/platform-fastify', 'fastify'],
          patterns: [
            { group: ['**/apps/**'], message: 'A library never imports an app.' },
            { group: ['@app/*/src/*'], message: 'Import a library only through its index: @app/<name>.' },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/cli/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: { 'no-console': 'off' },
  },
);
