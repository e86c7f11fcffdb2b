import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every AWS suite shares one moto server with the suites that jest runs at the same time in
 * other workers: a reset of it (moto's reset endpoint) drops their tables and queues mid-test
 * (ResourceNotFoundException, 8 runs in 17 with two workers). Suites name their resources
 * uniquely instead; this keeps it that way.
 */
const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|js|cjs|mjs)$/.test(entry.name) ? [path] : [];
  });
}

test('no test, fixture or script resets the shared moto server', () => {
  const RESET = ['moto-api', 'reset'].join('/'); // split, so this file does not name it itself
  const offenders = [...sources(join(ROOT, 'test')), ...sources(join(ROOT, 'scripts'))]
    .filter((path) => readFileSync(path, 'utf8').includes(RESET))
    .map((path) => relative(ROOT, path));
  expect(offenders).toEqual([]);
});
