/**
 * `npm run mutate:unit` (docs/testing.md): the unit suites alone, in milliseconds each, so a
 * folder's mutants are scored in minutes. A lower bound of `npm run mutate`'s score, which also
 * runs the embedded-HTTP suites.
 */
const base = require('./jest.stryker.config');

module.exports = { ...base, testMatch: ['<rootDir>/test/unit/**/*.test.ts'] };
