// @ts-check
/**
 * `npm run mutate` (docs/testing.md): StrykerJS over the code whose tests must fail when it is
 * wrong. Scope one folder with `npm run mutate -- --mutate 'functions/app/**\/*.ts'`.
 * Incremental: reports/stryker-incremental.json remembers each mutant's result, so a re-run
 * tests only the mutants of changed code or changed tests.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // Unit and embedded-HTTP suites only (no moto, browsers, stacks or fuzz runs): jest.stryker.config.js.
  // Not only the "related" tests: the embedded runtime loads handler modules by a computed path
  // (the route table), which jest's import graph cannot follow, so the HTTP suites that drive the
  // middleware and most use cases were left out of the initial run (19 tests for require-auth.ts
  // and idempotency.ts) and their mutants survived untested. The initial run takes all the suites
  // once; `perTest` coverage then runs, for each mutant, only the tests that reach it.
  jest: { projectType: 'custom', configFile: 'jest.stryker.config.js', enableFindRelatedTests: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // swc runs the tests without type checks, so no file needs Stryker's `// @ts-nocheck` (which
  // would also break the generated-templates freshness test).
  disableTypeChecks: false,
  mutate: [
    'functions/domain/**/*.ts',
    'functions/app/**/*.ts',
    // The auth and idempotency middleware (the webhook signer is functions/domain/webhook-signature.ts).
    'functions/handlers/http/require-auth.ts',
    'functions/handlers/http/idempotency.ts',
  ],
  // Module-level constants (tables, regexes) run once at load: mutating them costs a full run each.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // Two shared cores: one test process at a time.
  concurrency: 1,
  timeoutMS: 20000,
  // The initial run takes every suite once, with coverage: minutes on a busy 2-core machine.
  dryRunTimeoutMinutes: 30,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
