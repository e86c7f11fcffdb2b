import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { verifyWebhookSignature } from '../../functions/domain/webhook-signature';
import { EVENTS, runTrigger } from '../../scripts/trigger-event';
import { DEMO_ENV, startTestApi, type TestApi } from '../fixtures/local-api';
import { startReceiver, type WebhookReceiver } from '../fixtures/webhook-receiver';

// npm run trigger -- <event> against the embedded API over real HTTP: each event reaches a
// receiver as a signed webhook of that type, and the session is in the state the event says.
let api: TestApi;
let receiver: WebhookReceiver;
const env = { CHECKOUT_API_KEY: DEMO_ENV.CHECKOUT_DEMO_API_KEY };

beforeAll(async () => {
  receiver = await startReceiver();
  api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, delayScale: 0.00001, webhookTimeoutMs: 1000 });
});

afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

async function run(argv: string[], io: Partial<Parameters<typeof runTrigger>[1]> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTrigger(argv, { out: (line) => out.push(line), err: (line) => err.push(line), env, waitMs: 10_000, ...io });
  return { code, out, err };
}

const STATE_AFTER: Record<(typeof EVENTS)[number], string> = {
  paid: 'paid',
  failed: 'failed',
  authorized: 'authorized',
  refunded: 'paid', // the parent stays paid; its child transaction is refunded
  captured: 'authorized', // likewise: a paid child
  voided: 'voided',
  canceled: 'canceled',
  expired: 'expired',
};

test.each(EVENTS.map((event) => [event]))('trigger %s: the receiver gets that signed webhook; --json says so', async (event) => {
  const { code, out, err } = await run([event, '--api-url', api.url, '--webhook-url', `http://127.0.0.1:${receiver.port}/hooks/${event}`, '--json']);
  expect(err).toEqual([]);
  expect(code).toBe(0);
  expect(out).toHaveLength(1);
  const result = JSON.parse(out[0]!);
  expect(result).toMatchObject({ event, state: STATE_AFTER[event], webhook_delivered: true, webhook_status: { event, state: 'delivered', last_status_code: 200 } });
  const received = receiver.requests.filter((request) => request.path === `/hooks/${event}` && request.body.session_id === result.session_id);
  const hook = received.find((request) => request.body.event_type === event);
  expect(hook).toBeDefined();
  expect(verifyWebhookSignature(hook!.body, DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY)).toBe(true);
  if (event === 'failed') expect(received.filter((request) => request.body.event_type === 'attempted').length).toBeGreaterThanOrEqual(2);
}, 30_000);

test('human output: one line per step, the last one saying where the webhook went', async () => {
  const { code, out } = await run(['refunded', '--api-url', api.url, '--webhook-url', receiver.url]);
  expect(code).toBe(0);
  expect(out[0]).toMatch(/^created [0-9a-f]{40} \(14\.000 KWD, sandbox-kwd\), webhook_url /);
  expect(out).toContain('refund: The payment was refunded.');
  expect(out.at(-1)).toBe(`refunded webhook delivered to ${receiver.url} (HTTP 200)`);
});

test('a receiver that refuses: exit 1 and the reason; bad usage and a wrong key: sentences', async () => {
  const refusing = await startReceiver(400);
  try {
    const { code, out } = await run(['canceled', '--api-url', api.url, '--webhook-url', refusing.url]);
    expect(code).toBe(1);
    expect(out.at(-1)).toBe('canceled webhook not delivered: failed after 1 attempt(s), HTTP 400');
  } finally {
    await refusing.close();
  }
  expect(await run(['launder', '--api-url', api.url])).toMatchObject({ code: 2, err: [expect.stringMatching(/^Unknown event "launder"\. Events: paid, failed, authorized, refunded, captured, voided, canceled, expired\./)] });
  expect(await run(['paid'], { env: {} })).toMatchObject({ code: 2, err: ['Set CHECKOUT_API_KEY (or CHECKOUT_DEMO_API_KEY) to the API key npm start printed.'] });
  const wrongKey = await run(['paid', '--api-url', api.url], { env: { CHECKOUT_API_KEY: 'nope.nope' } });
  expect(wrongKey.code).toBe(1);
  expect(wrongKey.err[0]).toMatch(/^Could not create the payment transaction: .+ \(is CHECKOUT_API_KEY the key npm start printed\?\)$/);
  const down = await run(['paid', '--api-url', 'http://127.0.0.1:9', '--json']);
  expect(down.code).toBe(1);
  expect(JSON.parse(down.out[0]!).error).toMatch(/^Could not reach the API at http:\/\/127\.0\.0\.1:9: .+\. Is it running \(npm start\)\?$/);
});

test('npm run trigger runs the script (the package.json entry, process exit code)', async () => {
  // Asynchronously: the API answering it runs in this process.
  const result = await promisify(execFile)(process.execPath, [join(__dirname, '../../node_modules/tsx/dist/cli.mjs'), join(__dirname, '../../scripts/trigger.ts'), 'voided', '--api-url', api.url, '--webhook-url', receiver.url, '--json'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toMatchObject({ event: 'voided', state: 'voided', webhook_delivered: true });
  expect(require('../../package.json').scripts.trigger).toBe('tsx scripts/trigger.ts');
}, 60_000);
