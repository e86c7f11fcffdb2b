/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // middy ships ESM only; let swc turn it into CommonJS like our own code.
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  globalSetup: '<rootDir>/test/fixtures/moto-global-setup.ts',
  globalTeardown: '<rootDir>/test/fixtures/moto-global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  reporters: ['default', '<rootDir>/test/fixtures/totals-reporter.js'],
  // Generous: tests prove behaviour, the bench measures time. On 2 shared cores (CI, or 4 workers
  // beside the deployed suites) a setup with a few scrypt runs once took over 30 s.
  testTimeout: 120000,
  // Fixed, not one per core: CI and a laptop run the same parallelism (docs/testing.md). Two
  // workers keep a 2-core machine busy, since most suites wait on moto, a browser or a child process.
  maxWorkers: 2,
};
