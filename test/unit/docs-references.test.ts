import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The README and docs/ name files a reader can open, and one command for each job.
const ROOT = join(__dirname, '../..');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
// Where a path in the prose may be relative to.
const BASES = ['', 'functions', 'docs', 'functions/local', 'functions/local/cloud', 'functions/handlers', 'functions/templates'];

test.each(DOCS.map((doc) => [doc]))('%s names only files that exist', (doc) => {
  // A log of past passes keeps the file names of its day.
  const text = readFileSync(join(ROOT, doc), 'utf8').split(/^## Log of passes/m)[0]!;
  const named = [...text.matchAll(/(?<![\w<{/.-])((?:[\w-]+\/)*[\w.-]+\.(?:ts|mjs|cjs|md|py))\b/g)].map((match) => match[1]!).filter((path) => path.includes('/') && !path.startsWith('moto/')); // moto/…: the emulator's own source
  const missing = [...new Set(named)].filter((path) => !BASES.some((base) => existsSync(join(ROOT, base, path))));
  expect(missing).toEqual([]);
});

test('one command redrives the webhook dead letters of a stage, the same in every doc', () => {
  for (const doc of DOCS) expect([doc, readFileSync(join(ROOT, doc), 'utf8')]).toEqual([doc, expect.not.stringContaining('npm run redrive-webhooks')]);
});
