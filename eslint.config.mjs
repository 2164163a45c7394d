// Flat config: typescript-eslint's recommended rules, prettier owns formatting.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdktf.out/', 'coverage/', 'dist/', '.gen/', '.e2e/', '.sandbox/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      // The package root loads every resource class (~1.9 s, ~565 MB): import per resource.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@cdktf/provider-aws',
              message: "Import the resource from '@cdktf/provider-aws/lib/<resource>' instead.",
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tools stay readable: a long procedure is a declared list of steps, not one function.
    // Folder dependencies are checked by __tests__/tools/layout.test.ts.
    files: ['tools/**/*.ts'],
    // A test's describe block is a table of cases, not a procedure.
    ignores: ['**/*.test.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    // A room small enough to know: no product or tool source file over 500 lines.
    files: [
      'main.ts',
      'config/**/*.ts',
      'constructs/**/*.ts',
      'stacks/**/*.ts',
      'functions/**/*.ts',
    ],
    rules: { 'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }] },
  },
  {
    // A pure data table (one entry per policy rule), exempt from the file-length limit.
    files: ['tools/policy/rules.ts'],
    rules: { 'max-lines': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
