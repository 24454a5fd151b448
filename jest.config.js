/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  // Strapi and the built plugin/playground are already JavaScript: do not transform them.
  transformIgnorePatterns: ['/node_modules/', '<rootDir>/dist/', '<rootDir>/playground/dist/'],
  testMatch: ['<rootDir>/tests/unit/**/*.test.ts', '<rootDir>/tests/integration/**/*.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/playground/dist/', '<rootDir>/dist/'],
  globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
  testTimeout: 120_000,
  // Each integration file boots its own Strapi; two at a time fit a 2-core machine.
  maxWorkers: 2,
};
