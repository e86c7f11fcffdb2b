/**
 * The jest configuration `npm run mutate` runs (docs/testing.md): the suites that exercise the
 * mutated code in-process (unit and the embedded HTTP runtime), without moto, browsers, the
 * synthesized stacks or the fuzz runs. The AWS suites skip themselves without moto.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  globalSetup: undefined,
  globalTeardown: undefined,
  reporters: ['default'],
  testPathIgnorePatterns: ['/node_modules/', '/test/(aws|deployed|e2e|infra|compat|fuzz)/', '/test/http/(fuzz|npm-start|readme)\\.test\\.ts$'],
};
