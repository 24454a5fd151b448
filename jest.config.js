const transform = {
  '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
};

/** Settings every project shares: TypeScript through swc, Strapi and the built plugin left as they are. */
const base = (name, roots) => ({
  displayName: name,
  testEnvironment: 'node',
  rootDir: __dirname,
  transform,
  transformIgnorePatterns: ['/node_modules/', '<rootDir>/dist/', '<rootDir>/playground/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/playground/dist/', '<rootDir>/dist/'],
  testMatch: roots.map((root) => `<rootDir>/tests/${root}/**/*.test.ts`),
});

/** The admin's components in a browser-like DOM (jsdom), with React's automatic JSX runtime. */
const admin = {
  ...base('admin', ['admin']),
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/tests/admin/**/*.test.tsx'],
  transform: {
    '^.+\\.tsx?$': [
      '@swc/jest',
      {
        jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } },
        module: { type: 'commonjs' },
      },
    ],
  },
};

/** @type {import('jest').Config} */
module.exports = {
  // `npm test` runs unit + admin + integration (SQLite); `npm run test:pg` selects integration + postgres
  projects: [base('unit', ['unit']), admin, base('integration', ['integration']), base('postgres', ['postgres'])],
  globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
  testTimeout: 180_000,
  // Each integration file boots its own Strapi; two at a time fit a 2-core machine.
  maxWorkers: 2,
};
