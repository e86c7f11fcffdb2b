import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { signatureHeader, signWebhook } from '../../functions/domain/webhook-signature';
import { SIGNED_VALUES, VECTOR_KEY, VECTOR_SIGNATURE, vectorPayload, withChanged } from '../fixtures/signature-vector';

// The receivers in examples/ verify the signature header and Ottu's signature field as the
// platform makes them, and refuse an old timestamp (a replay). They know two keys, as during a
// rotation (CHECKOUT_WEBHOOK_KEY=<new>,<old>).
const ROOT = join(__dirname, '../..');
// The signature vector's key, so the receivers verify the same vector the signer is tested on.
const KEY = VECTOR_KEY;
const NEW_KEY = 'receiver-new-key';
const hasPython = spawnSync('python3', ['--version']).status === 0;

const receivers: [string, string[], boolean][] = [
  ['Node', ['node', 'examples/webhook-receiver.mjs'], true],
  ['Python', ['python3', 'examples/webhook_receiver.py'], hasPython],
];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const payload = (): Record<string, unknown> => ({
  event_id: 'e-1',
  event_type: 'paid',
  session_id: 'a'.repeat(40),
  amount: '14.000',
  currency_code: 'KWD',
  customer_first_name: 'Huda',
  customer_email: '',
  order_no: null,
  state: 'paid',
  result: 'success',
  reference_number: 'REF123456789',
  gateway_account: 'sandbox-kwd',
  gateway_name: 'Ottu PG',
  extra: { nested: true },
});

describe.each(receivers)('%s receiver', (_name, command, available) => {
  let child: ChildProcess;
  let out = '';
  let port: number;

  beforeAll(async () => {
    if (!available) return;
    port = await freePort();
    child = spawn(command[0]!, command.slice(1), { cwd: ROOT, env: { ...process.env, PORT: String(port), CHECKOUT_WEBHOOK_KEY: `${NEW_KEY},${KEY}` } });
    child.stdout!.on('data', (chunk) => (out += chunk));
    // A loaded machine (parallel workers) may take long to start python3: wait for it, then say so.
    const until = Date.now() + 40_000;
    while (!out.includes('listening') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    if (!out.includes('listening')) throw new Error(`${command.join(' ')} did not start listening within 40 s: ${out}`);
  }, 45_000);

  afterAll(() => child?.kill());

  // Signed as the platform signs: the header over the raw body with the active keys, now.
  const post = (body: string, { keys = [KEY], at = new Date(), header }: { keys?: string[]; at?: Date; header?: string | null } = {}) =>
    fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header !== null && { 'x-checkout-signature': header ?? signatureHeader(body, keys, at) }) },
      body,
    });

  test('200 for a valid signature, and prints the event', async () => {
    if (!available) return console.log('SKIPPED: python3 not available');
    const signed = { ...payload(), signature: signWebhook(payload(), KEY) };
    expect((await post(JSON.stringify(signed))).status).toBe(200);
    const until = Date.now() + 5000;
    while (!out.includes(`paid session ${'a'.repeat(40)}`) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(out).toContain(`paid session ${'a'.repeat(40)} 14.000 KWD`);
  });

  test('a refund webhook (Ottu\'s operation payload) prints its state from txn, never "undefined"', async () => {
    if (!available) return;
    const refund = { event_id: 'e-2', event_type: 'refunded', amount: '4.000', currency_code: 'KWD', session_id: 'b'.repeat(40), order_no: null, operation: 'refund', result: 'success', reference_number: 'R4N8W2C6J0HD', txn: { state: 'refunded' } };
    expect((await post(JSON.stringify({ ...refund, signature: signWebhook(refund, KEY) }))).status).toBe(200);
    const until = Date.now() + 5000;
    while (!out.includes(`refunded session ${'b'.repeat(40)}`) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const line = out.split('\n').find((candidate) => candidate.includes(`refunded session ${'b'.repeat(40)}`))!;
    expect(line).toContain('4.000 KWD state=refund refunded result=success event_id=e-2');
    expect(line).not.toMatch(/undefined|None/);
  });

  test("Ottu's published example verifies", async () => {
    if (!available) return;
    const body = { amount: '86.000', currency_code: 'KWD', customer_first_name: 'example-customer', signature: '6143b8ad4bd283540721ab000f6de746e722231aaaa90bc38f639081d3ff9f67' };
    const response = await post(JSON.stringify(body));
    // Signed with Ottu's key, not ours: rejected here; the same payload with our key passes.
    expect(response.status).toBe(400);
    expect((await post(JSON.stringify({ ...body, signature: signWebhook(body, KEY) }))).status).toBe(200);
  });

  test('the signature vector (all 18 signed fields) verifies, and changing any signed field is refused', async () => {
    if (!available) return;
    expect((await post(JSON.stringify({ ...vectorPayload(), signature: VECTOR_SIGNATURE }))).status).toBe(200);
    const notRefused: string[] = [];
    for (const field of Object.keys(SIGNED_VALUES)) {
      const status = (await post(JSON.stringify({ ...withChanged(field), signature: VECTOR_SIGNATURE }))).status;
      if (status !== 400) notRefused.push(`${field}: ${status}`);
    }
    expect(notRefused).toEqual([]);
  });

  test('400 for a wrong signature, a tampered field, no signature or not JSON', async () => {
    if (!available) return;
    const signed = { ...payload(), signature: signWebhook(payload(), KEY) };
    expect((await post(JSON.stringify({ ...signed, amount: '1.000' }))).status).toBe(400);
    expect((await post(JSON.stringify({ ...signed, signature: signWebhook(payload(), 'other') }))).status).toBe(400);
    expect((await post(JSON.stringify(payload()))).status).toBe(400);
    expect((await post('not json')).status).toBe(400);
    await new Promise((r) => setTimeout(r, 200));
    expect(out).toContain('rejected');
  });

  test('the header: required, over the raw body, any of its v1 under any known key, and refused when older than 5 minutes', async () => {
    if (!available) return;
    const body = JSON.stringify({ ...payload(), signature: signWebhook(payload(), KEY) });
    // A rotation: the platform signs with both keys; either one known is enough.
    expect((await post(body, { keys: [KEY, NEW_KEY] })).status).toBe(200);
    expect((await post(body, { keys: [NEW_KEY] })).status).toBe(200);
    expect((await post(body, { keys: ['a key it does not know'] })).status).toBe(400);
    expect((await post(body, { header: null })).status).toBe(400);
    // Signed over other bytes (the same JSON, re-serialised with a space): refused.
    expect((await post(body, { header: signatureHeader(body.replace(':', ': '), [KEY], new Date()) })).status).toBe(400);
    // A captured webhook replayed 6 minutes later: refused; 4 minutes is within the tolerance.
    expect((await post(body, { at: new Date(Date.now() - 6 * 60_000) })).status).toBe(400);
    expect((await post(body, { at: new Date(Date.now() - 4 * 60_000) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(out).toContain('timestamp too old');
  });
});
