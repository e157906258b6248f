// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noElectron = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        {
          name: 'electron',
          message: 'Services and shared code stay free of Electron (see DESIGN.md).',
        },
      ],
      patterns: [
        { group: ['electron/*'], message: 'Services and shared code stay free of Electron.' },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'docs/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: [
      'src/shared/**/*.ts',
      'src/main/services/**/*.ts',
      'src/main/core.ts',
      'src/main/quit-guard.ts',
      'src/main/window-sizes.ts',
      'src/main/web/**/*.ts',
      'src/main/ipc/**/*.ts',
    ],
    rules: noElectron,
  },
  {
    // Only the IPC adapter in main and the preload may touch ipcMain / ipcRenderer.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/main/index.ts', 'src/main/ipc/**', 'src/preload/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "Identifier[name='ipcMain']",
          message: 'Use the typed router in src/main/ipc.',
        },
        { selector: "Identifier[name='ipcRenderer']", message: 'Use window.vigil.' },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
    },
  },
);
