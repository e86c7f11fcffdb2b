// @ts-check
import base from './stryker.config.mjs';

/**
 * `npm run mutate:unit`: `npm run mutate` with the unit suites only (jest.stryker-unit.config.js).
 * Its score is a lower bound (a mutant only the HTTP suites kill counts as survived here), reached
 * in minutes instead of hours; its own incremental file, so the two never mix results.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  jest: { ...base.jest, configFile: 'jest.stryker-unit.config.js' },
  incrementalFile: 'reports/stryker-unit-incremental.json',
  htmlReporter: { fileName: 'reports/mutation-unit/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation-unit/mutation.json' },
};
