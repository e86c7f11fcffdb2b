/**
 * The jest configuration `npm run mutate` runs (docs/testing.md): the suites that exercise the
 * mutated code in-process (unit and the embedded HTTP runtime), without moto, browsers, the
 * synthesized stacks or the fuzz runs. The AWS suites skip themselves without moto.
 */
const path = require('node:path');
const base = require('./jest.config');

// Where Stryker's initial run records each test's file (test/stryker/): in Stryker's sandbox,
// beside this file's copy there.
process.env.STRYKER_TEST_FILES ??= path.join(__dirname, '.stryker-test-files.jsonl');

module.exports = {
  ...base,
  setupFilesAfterEnv: ['<rootDir>/test/stryker/record-test-files.js'],
  // A mutant's run loads only the test files holding the tests that reached it.
  testSequencer: '<rootDir>/test/stryker/covering-tests-sequencer.js',
  globalSetup: undefined,
  globalTeardown: undefined,
  reporters: ['default'],
  testPathIgnorePatterns: ['/node_modules/', '/test/(aws|deployed|e2e|infra|compat|fuzz)/', '/test/http/(fuzz|npm-start|readme)\\.test\\.ts$'],
};
