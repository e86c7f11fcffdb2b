import { randomBytes, randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, dynamoDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoIdempotencyStore } from '../../functions/adapters/aws/dynamo-idempotency-store';
import { DynamoSessionRepository } from '../../functions/adapters/aws/dynamo-session-repository';
import { MemoryConfigStore } from '../../functions/adapters/embedded/memory-config-store';
import { ManualClock } from '../../functions/adapters/system-clock';
import { deliverWebhook } from '../../functions/app/deliver-webhook';
import { sendNotification } from '../../functions/app/send-notification';
import { sessionEvent } from '../../functions/domain/events';
import { startLocalAws } from '../../functions/local/local-aws-runtime';
import type { EmailMessage, Log } from '../../functions/ports';
import { EMAIL_TEMPLATES } from '../../functions/templates/templates.generated';
import { GOOD_CARD, openPage, postPayment } from '../fixtures/checkout-form';
import { createTestTable, recordSessionReads } from '../fixtures/dynamo-table';
import { DEMO_ENV, requester, seedBody } from '../fixtures/local-api';
import { awsTestEnv, describeAws, useMotoEnv } from '../fixtures/moto';
import { sampleSession } from '../fixtures/sessions';

/**
 * Which session reads DynamoDB is asked to make eventually consistent (docs/dynamodb.md), as the
 * SDK sends them: the handlers each Lambda builds, over the AWS adapters on moto.
 */
describeAws('session reads: ConsistentRead as sent to DynamoDB (moto)', () => {
  test('PATCH, PUT and the first page view read eventually consistently; retrieve, pay, a second view, operations and inquiry strongly', async () => {
    useMotoEnv();
    const suffix = `${process.pid}-${randomBytes(3).toString('hex')}`;
    const env = { ...DEMO_ENV, ...awsTestEnv(), CHECKOUT_STAGE: `reads-${suffix}`, CHECKOUT_TABLE: `reads-${suffix}` };
    const aws = await startLocalAws({ port: 0, env, bootstrap: true });
    const request = requester(aws.url);
    const { reads, reset } = recordSessionReads(dynamoDocumentClient());
    const perStep: Record<string, string[]> = {};
    const step = async <T>(name: string, call: () => Promise<T>): Promise<T> => {
      reset();
      const answer = await call();
      perStep[name] = [...reads];
      return answer;
    };
    try {
      const PATH = '/b/checkout/v1/pymt-txn/';
      const id = (await step('create', () => request('POST', PATH, { body: { ...seedBody(), notifications: {} } }))).json.session_id as string;
      expect((await step('retrieve', () => request('GET', `${PATH}${id}/`, { auth: 'none' }))).status).toBe(200);
      expect((await step('patch', () => request('PATCH', `${PATH}${id}/`, { body: { amount: '20.5' } }))).status).toBe(200);
      expect((await step('put', () => request('PUT', `${PATH}${id}/`, { body: { ...seedBody(), notifications: {}, amount: '7' } }))).status).toBe(200);
      const api = { request };
      const visit = await step('page view', () => openPage(api, id));
      expect(visit.status).toBe(200);
      expect((await step('pay', () => postPayment(api, id, GOOD_CARD, visit))).status).toBe(303);
      expect((await step('page view again', () => openPage(api, id))).status).toBe(200);
      expect((await step('refund', () => request('POST', '/b/pbl/v2/operation/', { body: { session_id: id, operation: 'refund', amount: '1' } }))).status).toBe(200);
      expect((await step('inquiry', () => request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: id } }))).status).toBe(200);
    } finally {
      await aws.close();
    }
    expect(perStep).toEqual({
      create: [],
      retrieve: ['strong'],
      patch: ['eventual'],
      put: ['eventual'],
      // Opens the session (created → pending): the write confirms the read.
      'page view': ['eventual'],
      pay: ['strong'],
      // Writes nothing (the session is paid): what it shows comes from a strong read.
      'page view again': ['eventual', 'strong'],
      refund: ['strong'],
      inquiry: ['strong'],
    });
  }, 60_000);

  describe('the delivery workers', () => {
    let table: Awaited<ReturnType<typeof createTestTable>>;
    let client: DynamoDBDocumentClient;
    let recorded: ReturnType<typeof recordSessionReads>;
    beforeAll(async () => {
      table = await createTestTable('read-consistency');
      client = createDocumentClient();
      recorded = recordSessionReads(client);
    });
    afterAll(async () => {
      await table.drop();
      client.destroy();
    });

    const quiet: Log = { info: () => undefined, warn: () => undefined };
    const T0 = new Date('2026-11-25T10:00:00.000Z');
    async function stores() {
      const sessions = new DynamoSessionRepository(client, table.name);
      const session = sampleSession({ webhook_url: 'https://merchant.example/hooks' });
      const created = sessionEvent('created', session, randomUUID(), T0);
      await sessions.create(session, [created]);
      recorded.reset();
      const ports = { sessions, idempotency: new DynamoIdempotencyStore(client, table.name), clock: new ManualClock(T0), ids: { eventId: randomUUID } as never, log: quiet };
      return { ports, created };
    }

    test('a webhook for the event itself reads eventually consistently; an inquiry\'s status webhook strongly', async () => {
      const { ports, created } = await stores();
      const webhooks = { post: async () => ({ kind: 'response', status: 200 }) as const };
      const webhookPorts = { ...ports, webhooks, config: new MemoryConfigStore({} as never, 'webhook-key') };
      expect(await deliverWebhook(webhookPorts, { message: { channel: 'webhook', event: created }, attempt: 1 })).toEqual({ kind: 'done' });
      expect(recorded.reads).toEqual(['eventual']);
      recorded.reset();
      expect(await deliverWebhook(webhookPorts, { message: { channel: 'webhook', event: { ...created, event_id: randomUUID() }, status: true }, attempt: 1 })).toEqual({ kind: 'done' });
      expect(recorded.reads).toEqual(['strong']);
    });

    test('an e-mail reads eventually consistently', async () => {
      const { ports, created } = await stores();
      const sent: EmailMessage[] = [];
      const mailer = { send: async (message: EmailMessage) => void sent.push(message) };
      const outcome = await sendNotification({ ...ports, mailer }, { message: { channel: 'email', event: created, to: 'ada@example.com' }, attempt: 1 }, { templates: EMAIL_TEMPLATES, publicUrl: 'https://pay.example' });
      expect(outcome).toEqual({ kind: 'done' });
      expect(sent).toHaveLength(1);
      expect(recorded.reads).toEqual(['eventual']);
    });
  });
});
