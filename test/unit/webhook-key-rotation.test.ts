import { MemoryConfigStore } from '../../functions/adapters/embedded/memory-config-store';
import { MemoryIdempotencyStore } from '../../functions/adapters/embedded/memory-idempotency-store';
import { MemorySessionRepository } from '../../functions/adapters/embedded/memory-session-repository';
import { randomIds } from '../../functions/adapters/random-ids';
import { ManualClock } from '../../functions/adapters/system-clock';
import { deliverWebhook } from '../../functions/app/deliver-webhook';
import { sessionEvent } from '../../functions/domain/events';
import { activeWebhookKeys, parseWebhookSecret, rotateWebhookSecret, webhookSecretText } from '../../functions/domain/webhook-keys';
import { SIGNATURE_HEADER, signatureHeader, verifySignatureHeader, verifyWebhookSignature } from '../../functions/domain/webhook-signature';
import type { WebhookResult, WebhookSender } from '../../functions/ports';
import { sampleSession } from '../fixtures/sessions';

const T0 = new Date('2026-11-25T10:00:00.000Z');
const OLD = 'o'.repeat(40);
const NEW = 'n'.repeat(40);

test('the secret: a plain key is one key; a rotation keeps the previous one first (Ottu’s field) until its overlap ends', () => {
  expect(activeWebhookKeys(parseWebhookSecret(OLD), T0)).toEqual([OLD]);
  const rotated = rotateWebhookSecret(parseWebhookSecret(OLD), NEW, new Date(T0.getTime() + 3_600_000));
  const stored = parseWebhookSecret(webhookSecretText(rotated));
  expect(activeWebhookKeys(stored, T0)).toEqual([OLD, NEW]);
  expect(activeWebhookKeys(stored, new Date(T0.getTime() + 3_600_000))).toEqual([NEW]);
  // No overlap (a leaked key): replaced at once.
  expect(activeWebhookKeys(rotateWebhookSecret(stored, 'x'.repeat(40), undefined), T0)).toEqual(['x'.repeat(40)]);
  expect(() => parseWebhookSecret('{"previous":"a"}')).toThrow(/no "current"/);
});

test('the header: t and one v1 per key over t.body; verifies with either key, not with another, not when stale or for other bytes', () => {
  const body = '{"amount":"14.000"}';
  const header = signatureHeader(body, [OLD, NEW], T0);
  expect(header).toMatch(/^t=1795600800,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
  expect(verifySignatureHeader(header, body, [OLD], T0)).toBe('ok');
  expect(verifySignatureHeader(header, body, [NEW], new Date(T0.getTime() + 299_000))).toBe('ok');
  expect(verifySignatureHeader(header, body, ['other'], T0)).toBe('mismatch');
  expect(verifySignatureHeader(header, `${body} `, [OLD], T0)).toBe('mismatch');
  expect(verifySignatureHeader(header, body, [OLD], new Date(T0.getTime() + 301_000))).toBe('stale');
  expect(verifySignatureHeader(undefined, body, [OLD], T0)).toBe('missing');
});

test('the header is parsed strictly: spaces after commas allowed; no t, another scheme, a non-hex, short, long or uppercase v1 is a mismatch; the tolerance is inclusive both ways', () => {
  const body = '{"amount":"14.000"}';
  const t = T0.getTime() / 1000;
  const v1 = signatureHeader(body, [OLD], T0).split(',')[1]!.slice('v1='.length);
  const verify = (header: string, now = T0) => verifySignatureHeader(header, body, [OLD], now);
  expect(verify(`t=${t}, v1=${v1}`)).toBe('ok');
  expect(verify(` t=${t} ,v1=${v1} `)).toBe('ok');
  expect(verify(`v1=${v1}`)).toBe('mismatch');
  expect(verify(`x=${t},v1=${v1}`)).toBe('mismatch');
  expect(verify(`t=soon,v1=${v1}`)).toBe('mismatch');
  expect(verify(`t=${t}`)).toBe('mismatch');
  expect(verify(`t=${t},v0=${v1}`)).toBe('mismatch');
  expect(verify(`t=${t},v1=${v1}00`)).toBe('mismatch');
  expect(verify(`t=${t},v1=00${v1}`)).toBe('mismatch');
  expect(verify(`t=${t},v1=${v1.slice(2)}`)).toBe('mismatch');
  expect(verify(`t=${t},v1=${v1.toUpperCase()}`)).toBe('mismatch');
  // A malformed v1 beside a good one is ignored, not fatal.
  expect(verify(`t=${t},v1=zz,v1=${v1}`)).toBe('ok');
  // The receiver's clock may be ahead of ours or behind it, by the tolerance exactly.
  expect(verify(`t=${t},v1=${v1}`, new Date(T0.getTime() + 300_000))).toBe('ok');
  expect(verify(`t=${t},v1=${v1}`, new Date(T0.getTime() - 300_000))).toBe('ok');
  expect(verify(`t=${t},v1=${v1}`, new Date(T0.getTime() - 301_000))).toBe('stale');
  expect(verifySignatureHeader(`t=${t},v1=${v1}`, body, [OLD], new Date(T0.getTime() + 10_000), 5)).toBe('stale');
});

test('a webhook during a rotation: Ottu’s field with the previous key, the header signed by both', async () => {
  const posts: Array<{ body: string; headers: Record<string, string> }> = [];
  const webhooks: WebhookSender = {
    post: async (_url, body, { headers = {} }): Promise<WebhookResult> => {
      posts.push({ body, headers });
      return { kind: 'response', status: 200 };
    },
  };
  const sessions = new MemorySessionRepository();
  const session = sampleSession({ webhook_url: 'https://merchant.example/hooks' });
  const event = sessionEvent('created', session, randomIds.eventId(), T0);
  await sessions.create(session, [event]);
  const clock = new ManualClock(T0);
  const ports = { sessions, idempotency: new MemoryIdempotencyStore(), config: new MemoryConfigStore({} as never, [OLD, NEW]), webhooks, clock, ids: randomIds, log: { info: () => undefined, warn: () => undefined } };
  expect(await deliverWebhook(ports, { message: { channel: 'webhook', event }, attempt: 1 })).toEqual({ kind: 'done' });
  const [post] = posts;
  const payload = JSON.parse(post!.body) as Record<string, unknown>;
  expect(verifyWebhookSignature(payload, OLD)).toBe(true);
  expect(verifyWebhookSignature(payload, NEW)).toBe(false);
  for (const key of [OLD, NEW]) expect(verifySignatureHeader(post!.headers[SIGNATURE_HEADER], post!.body, [key], T0)).toBe('ok');
});
