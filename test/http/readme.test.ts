import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApi, type TestApi } from '../fixtures/local-api';
import { waitFor } from '../fixtures/webhook-receiver';

// The README runs as written: its `sh` blocks that call the local API are run in order, in one
// bash, against a started server (its URL in place of http://localhost:3000), with the
// variables its first block exports and the webhook receiver its second block starts.
const ROOT = join(__dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
const exportsOf = (block: string) => Object.fromEntries([...block.matchAll(/(\w+)=(\S+)/g)].filter(([, name]) => /^[A-Z_]+$/.test(name!)).map(([, name, value]) => [name!, value!]));

let api: TestApi;
let receiver: ChildProcess;
let receiverOut = '';
let receiverPort: number;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const env = exportsOf(blocks[0]!);
  expect(env).toMatchObject({ CHECKOUT_DEMO_API_KEY: expect.any(String), CHECKOUT_DEMO_WEBHOOK_KEY: expect.any(String), CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' });
  api = await startTestApi({ env });
  receiverPort = await freePort();
  const start = blocks.find((block) => block.includes('examples/webhook-receiver.mjs'))!.split('#')[0]!.trim();
  receiver = spawn('bash', ['-c', start], { cwd: ROOT, env: { ...process.env, PORT: String(receiverPort) } });
  receiver.stdout!.on('data', (chunk) => (receiverOut += chunk));
  await waitFor(() => receiverOut.includes('listening'));
}, 30_000);

afterAll(async () => {
  receiver?.kill();
  await api?.close();
});

test('the README curl examples run as written against a started server', async () => {
  const runnable = blocks.filter((block) => block.includes('curl') && block.includes('http://localhost:3000'));
  expect(runnable.length).toBeGreaterThanOrEqual(3);
  const script = runnable
    .map((block) => block.replaceAll('http://localhost:3000', api.url).replaceAll('127.0.0.1:4000', `127.0.0.1:${receiverPort}`))
    // Each example's answer on its own line, to check one by one.
    .map((block) => `${block}\necho\necho '----'`)
    .join('\n');
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, env: { ...process.env } });
  const answers = stdout.split('----').map((part) => part.trim()).filter(Boolean);
  expect(answers).toHaveLength(runnable.length);
  for (const answer of answers) {
    const last = JSON.parse(answer.split('\n').at(-1)!);
    expect(last).toMatchObject({ session_id: expect.stringMatching(/^[0-9a-f]{40}$/) });
    // An error answers with `detail` alone (an operation's success has `result: "success"` beside it).
    if (last.result !== 'success') expect(last).not.toHaveProperty('detail');
  }
  const paid = JSON.parse(answers.find((a) => a.includes('"paid"'))!.split('\n').at(-1)!);
  expect(paid).toMatchObject({ state: 'paid', result: 'success' });
  const attached = JSON.parse(answers.find((a) => a.includes('/b/checkout/v1/attachments/'))!.split('\n').at(-1)!);
  expect(attached.attachment).toMatch(/\/b\/checkout\/v1\/attachments\//);
  expect(attached.checkout_short_url).toMatch(/\/s\//);
  // The receiver verified and printed the webhooks of the examples.
  await waitFor(() => /paid session [0-9a-f]{40} 14\.000 KWD/.test(receiverOut));
  expect(receiverOut).not.toContain('rejected');
}, 60_000);
