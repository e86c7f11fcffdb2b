/**
 * The test sequencer of the jest configurations Stryker runs (docs/testing.md). Stryker runs a
 * mutant's covering tests by name (`testNamePattern`), but jest still loads every test file it
 * was given first (all of them, or the "related" ones), and loading dominated a mutant's time:
 * seconds for twenty suites to run one test. With the names and files the initial run recorded
 * (`record-test-files.js`), this keeps only the files that hold a matching test. The same tests
 * run, so the verdicts are the same.
 */
const { existsSync, readFileSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

let filesByName;

function testFiles(map) {
  if (!filesByName) {
    filesByName = readFileSync(map, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  }
  return filesByName;
}

module.exports = class CoveringTestsSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
  }

  sort(tests) {
    const map = process.env.STRYKER_TEST_FILES;
    if (!this.pattern || !map || !existsSync(map)) return super.sort(tests);
    // jest-circus matches the pattern against a test's full name the same way.
    const matcher = new RegExp(this.pattern, 'i');
    const files = new Set(testFiles(map).filter(([name]) => matcher.test(name)).map(([, file]) => file));
    return super.sort(tests.filter((test) => files.has(test.path)));
  }
};
