/**
 * A setup file of the jest configurations Stryker runs (docs/testing.md): during Stryker's initial
 * run, writes each test's full name and file to the map `covering-tests-sequencer.js` reads, so
 * a mutant's run loads only the files holding the tests that reached it.
 */
const { appendFileSync } = require('node:fs');

const map = process.env.STRYKER_TEST_FILES;
// Mutant runs name their mutant; only the initial run, which runs every test, records.
if (map && !process.env.__STRYKER_ACTIVE_MUTANT__) {
  beforeEach(() => {
    const { currentTestName, testPath } = expect.getState();
    appendFileSync(map, `${JSON.stringify([currentTestName, testPath])}\n`);
  });
}
