import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApi, type TestApi } from '../fixtures/local-api';

// docs/operations.md's examples run as written: its `sh` blocks that call the local API, in one
// bash against a started server (its URL in place of http://localhost:3000), each answer on a line.
const ROOT = join(__dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
const blocks = [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((block) => block.includes('http://localhost:3000'));

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

test('the docs/operations.md curl examples run as written: refunds, status query, payment methods, cancel and delete succeed', async () => {
  expect(blocks.length).toBeGreaterThanOrEqual(1);
  // curl -s prints no newline after a body: this one does, so each answer is a line of its own.
  const script = ['curl() { command curl "$@"; echo; }', ...blocks.map((block) => block.replaceAll('http://localhost:3000', api.url))].join('\n');
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT });
  const answers = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  const refunds = answers.filter((answer) => answer.operation === 'refund');
  expect(refunds.map((refund) => [refund.amount, refund.result])).toEqual([
    ['4.000', 'success'],
    ['10.000', 'success'],
  ]);
  expect(answers.find((answer) => answer.state)).toMatchObject({ state: 'paid', transactions: [{ state: 'refunded' }, { state: 'refunded' }] });
  expect(answers.find((answer) => answer.payment_methods)?.payment_methods.map((method: { code: string }) => method.code)).toContain('sandbox-kwd');
  expect(answers.filter((answer) => answer.operation === 'cancel' || answer.operation === 'delete').map((answer) => [answer.operation, answer.result])).toEqual([
    ['cancel', 'success'],
    ['delete', 'success'],
  ]);
}, 60_000);
