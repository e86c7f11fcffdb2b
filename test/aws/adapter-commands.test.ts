import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoConfigStore, dynamoConfig, dynamoConfigReader, dynamoConfigWithWebhookKey, dynamoWebhookSigner } from '../../functions/adapters/aws/dynamo-config-store';
import { dynamoAuthAttempts } from '../../functions/adapters/aws/dynamo-auth-attempts';
import { awsPaymentGateways } from '../../functions/adapters/aws/gateway-secrets';
import { csrfSecret } from '../../functions/adapters/aws/secrets-manager-secret';
import { secretsManagerClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoExpiryIndex, dynamoExpiryIndex } from '../../functions/adapters/aws/dynamo-expiry-index';
import { dynamoIdempotency } from '../../functions/adapters/aws/dynamo-idempotency-store';
import { dynamoCardKeeper, dynamoCardReader, dynamoSavedCards } from '../../functions/adapters/aws/dynamo-saved-cards';
import { dynamoAuditedChargingSessions, dynamoAuditedSessions, dynamoChargingSessions, dynamoSessionReader, dynamoSessions, dynamoSweptSessions } from '../../functions/adapters/aws/dynamo-session-repository';
import { dynamoShortLinkReader, dynamoShortLinks } from '../../functions/adapters/aws/dynamo-short-links';
import { s3AttachmentReader, s3AttachmentRemover, s3Attachments } from '../../functions/adapters/aws/s3-attachment-store';
import { sesMailer } from '../../functions/adapters/aws/ses-mailer';
import { snsSmsSender } from '../../functions/adapters/aws/sns-sms-sender';
import { sqsConsumerQueue, sqsInquiryScheduler, sqsPublisher } from '../../functions/adapters/aws/sqs-event-queue';
import { WORK_QUEUE } from '../../functions/config/queues';
import { useEnvironment } from '../../functions/config/env';
import { recordUsage, type Needs } from '../../functions/config/needs';
import { sessionEvent } from '../../functions/domain/events';
import { demoConfig } from '../../functions/local/demo-config';
import { attachmentStoreContract } from '../fixtures/attachment-store-contract';
import { createTestTable, storedEvents } from '../fixtures/dynamo-table';
import { createdEvent, sampleSession as eventSession } from '../fixtures/event-ports';
import { actionsFor } from '../fixtures/least-privilege-model';
import { DEMO_ENV } from '../fixtures/local-api';
import { awsTestEnv, describeAws, useMotoEnv } from '../fixtures/moto';
import { recordCommands, watchClients } from '../fixtures/sdk-commands';
import { newOrderNo, sampleSession } from '../fixtures/sessions';
import { shortLinkStoreContract } from '../fixtures/short-link-store-contract';
import { mpgsSetting, startTestMpgs, TEST_MERCHANT } from '../fixtures/mpgs';
import type { LocalMpgs } from '../../functions/local/mpgs/local-mpgs';
import { savedCardsContract } from './saved-cards.contract';
import { idempotencyStoreContract } from './idempotency-store.contract';
import { sessionRepositoryContract } from './session-repository.contract';

/**
 * What each AWS adapter factory declares it uses (`uses(…)`, which becomes its Lambda's IAM grants)
 * against the SDK commands the adapter it builds really sends, recorded by a middleware on its
 * clients while its contract runs on moto: a declaration the adapter never needs (an over-grant)
 * or a command it sends undeclared (a grant forgotten, AccessDenied on AWS) fails here.
 */

const run = `${process.pid}-${randomBytes(3).toString('hex')}`;
const EMAIL_FROM = `checkout-${run}@merchant.example`;
let env: Record<string, string>;
let table: Awaited<ReturnType<typeof createTestTable>>;

/** Builds an adapter through its factory, as a Lambda's cold start does, and watches its clients. */
function build<T extends object>(factory: () => T): { adapter: T; declared: Set<string> } {
  useEnvironment(env);
  let adapter: T | undefined;
  const usage = recordUsage(() => (adapter = factory()));
  watchClients(adapter!);
  return { adapter: adapter!, declared: actionsFor(usage.needs as Needs[], { emailFrom: EMAIL_FROM }) };
}

/** The factories this file runs, by function name (checked against every factory in functions/adapters below). */
const covered = new Set<string>();

/** Runs `body` (tests) against the factory's adapter, then checks the commands sent against its declaration. */
function describeFactory<T extends object>(name: string, factory: () => T, body: (adapter: () => T) => void, { triggerGives = [] as string[] } = {}) {
  covered.add(name.replace(/\(.*$/, ''));
  describe(name, () => {
    let built: { adapter: T; declared: Set<string> };
    let sent: Set<string>;
    beforeAll(() => {
      built = build(factory);
      sent = recordCommands();
    });
    body(() => built.adapter);
    test(`${name} declares exactly the IAM actions of the commands its adapter sends`, () => {
      // Actions its Lambda's trigger grants (a consumer's own queue) are not its to declare.
      const needed = [...sent].filter((action) => !triggerGives.includes(action)).sort();
      expect({ declared: [...built.declared].sort() }).toEqual({ declared: needed });
    });
  });
}

describeAws('adapter factories: declared uses against the SDK commands sent (moto)', () => {
  let sqs: SQSClient;
  beforeAll(async () => {
    useMotoEnv();
    table = await createTestTable('commands');
    sqs = new SQSClient({});
    const bucket = `commands-${run}`;
    await new S3Client({ forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: bucket }));
    const secrets = new SecretsManagerClient({});
    const secretId = `commands-${run}`;
    await secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY }));
    await secrets.send(new CreateSecretCommand({ Name: `${secretId}-csrf`, SecretString: 'csrf-secret-of-the-commands-test' }));
    await secrets.send(
      new CreateSecretCommand({
        Name: `commands-${run}/gateways/mpgs-kwd`,
        SecretString: JSON.stringify({ api_password: TEST_MERCHANT.password, notification_secret: TEST_MERCHANT.notificationSecret }),
      }),
    );
    secrets.destroy();
    const ses = new SESv2Client({});
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: EMAIL_FROM }));
    ses.destroy();
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `commands-dlq-${run}` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ['QueueArn'] }));
    const redrive = JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: WORK_QUEUE.maxReceiveCount });
    const queue = async (name: string) => (await sqs.send(new CreateQueueCommand({ QueueName: `commands-${name}-${run}`, Attributes: { RedrivePolicy: redrive } }))).QueueUrl!;
    env = {
      ...awsTestEnv(),
      CHECKOUT_TABLE: table.name,
      CHECKOUT_BUCKET: bucket,
      CHECKOUT_WEBHOOK_SECRET_ID: secretId,
      CHECKOUT_CSRF_SECRET_ID: `${secretId}-csrf`,
      CHECKOUT_GATEWAY_SECRET_PREFIX: `commands-${run}/gateways/`,
      CHECKOUT_EMAIL_FROM: EMAIL_FROM,
      CHECKOUT_AUDIT_RETENTION_DAYS: '30',
      CHECKOUT_WEBHOOK_QUEUE_URL: await queue('webhook'),
      CHECKOUT_EMAIL_QUEUE_URL: await queue('email'),
      CHECKOUT_SMS_QUEUE_URL: await queue('sms'),
      CHECKOUT_SYNC_QUEUE_URL: await queue('sync'),
    };
    // The merchant configuration, written as the admin script does (not through a Lambda's adapter).
    const admin = createDocumentClient();
    await new DynamoConfigStore(admin, table.name).save((await demoConfig(DEMO_ENV)).config, undefined);
    admin.destroy();
  });
  afterAll(async () => {
    await table.drop();
    sqs.destroy();
  });

  describeFactory('dynamoSweptSessions()', dynamoSweptSessions, (repo) => {
    // The contract's reads of the stream and the index go through clients of their own, not watched.
    const other = createDocumentClient();
    afterAll(() => other.destroy());
    sessionRepositoryContract(() => ({
      repo: repo(),
      events: (id) => storedEvents(other, table.name, id),
      expiry: new DynamoExpiryIndex(other, table.name),
    }));
  });

  // The same repository without batch reads (every function but the sweep): the contract above
  // runs its methods; here, that what it sends stays within what it declares.
  describeFactory('dynamoSessions()', dynamoSessions, (repo) => {
    test('creates, reads and changes a session, moving its order_no claim', async () => {
      const session = sampleSession({ order_no: newOrderNo() });
      await repo().create(session, [sessionEvent('created', session, 'e1', new Date())]);
      const expired = { ...session, state: 'expired' as const, version: session.version + 1 };
      await repo().update(expired, session, [sessionEvent('expired', expired, 'e2', new Date())]);
      expect(await repo().get(session.session_id)).toMatchObject({ state: 'expired' });
      expect(await repo().findByOrderNo(session.order_no!)).toBeUndefined();
    });
  });

  // The auto-debit and the syncs: a merchant-initiated charge's agreement cycles move in the session write's transaction.
  describeFactory('dynamoChargingSessions()', dynamoChargingSessions, (repo) => {
    test("starts and settles a charge, moving its agreement's cycles with the session", async () => {
      const customer = `charging-${randomBytes(4).toString('hex')}`;
      const cards = build(dynamoCardKeeper).adapter;
      await cards.save({ token: '9000000000000001', customer_id: customer, pg_code: 'mpgs-kwd', brand: 'MASTERCARD', number: '512345xxxxxx0008', expiry_month: '01', expiry_year: '39', created_at: '2026-12-07T10:00:00.000Z' });
      await cards.useForAgreement(customer, 'agr-1', '9000000000000001');
      const session = sampleSession({ payment_type: 'auto_debit', customer_id: customer, agreement: { id: 'agr-1', type: 'unscheduled' } });
      recordCommands(); // only the repository's own commands from here
      await repo().create(session, [sessionEvent('created', session, 'e1', new Date())]);
      const attempt = { reference_number: 'REF000000001', pg_code: 'mpgs-kwd', result: 'pending' as const, card_brand: 'card' as const, card_last4: '0008', attempted_at: new Date().toISOString(), merchant_initiated: { customer_id: customer, agreement_id: 'agr-1' } };
      const started = { ...session, attempts: [attempt], version: 2 };
      await repo().update(started, session, [], { cycle: { kind: 'reserve', customer_id: customer, agreement_id: 'agr-1', reference: 'REF000000001' } });
      expect(await repo().get(session.session_id)).toMatchObject({ version: 2 });
    });
  });

  // The inquiry: a charge it syncs moves its agreement's cycles; a stale operation it resolves commits its audit entry.
  describeFactory('dynamoAuditedChargingSessions()', dynamoAuditedChargingSessions, (repo) => {
    test('settles a charge with its cycles, and commits an audited change', async () => {
      const customer = `inquiry-${randomBytes(4).toString('hex')}`;
      const cards = build(dynamoCardKeeper).adapter;
      await cards.save({ token: '9000000000000001', customer_id: customer, pg_code: 'mpgs-kwd', brand: 'MASTERCARD', number: '512345xxxxxx0008', expiry_month: '01', expiry_year: '39', created_at: '2026-12-07T10:00:00.000Z' });
      await cards.useForAgreement(customer, 'agr-1', '9000000000000001');
      const session = sampleSession({ payment_type: 'auto_debit', customer_id: customer, agreement: { id: 'agr-1', type: 'unscheduled' } });
      recordCommands();
      await repo().create(session, [sessionEvent('created', session, 'e1', new Date())]);
      const attempt = { reference_number: 'REF000000002', pg_code: 'mpgs-kwd', result: 'pending' as const, card_brand: 'card' as const, card_last4: '0008', attempted_at: new Date().toISOString(), merchant_initiated: { customer_id: customer, agreement_id: 'agr-1' } };
      const started = { ...session, attempts: [attempt], version: 2 };
      await repo().update(started, session, [], { cycle: { kind: 'reserve', customer_id: customer, agreement_id: 'agr-1', reference: 'REF000000002' } });
      const paid = { ...started, attempts: [{ ...attempt, result: 'success' as const }], version: 3 };
      const at = new Date().toISOString();
      await repo().update(paid, started, [], {
        cycle: { kind: 'charged', customer_id: customer, agreement_id: 'agr-1', reference: 'REF000000002', paid_at: at },
        audit: { entry_id: `${at}#${run}-inquiry`, at, actor: { kind: 'api_key', name: 'commands', id: 'commands' }, address: '203.0.113.7', request_id: `req-${run}`, action: 'operation.refund', session_id: session.session_id },
      });
      expect(await repo().get(session.session_id)).toMatchObject({ version: 3 });
      expect(await cards.agreementCycles(customer, 'agr-1')).toMatchObject({ charges: 1, pending: [] });
    });
  });

  describeFactory('dynamoSessionReader()', dynamoSessionReader, (reader) => {
    test('reads a session and finds one by order_no', async () => {
      const writer = build(dynamoSessions).adapter;
      const session = sampleSession({ order_no: newOrderNo() });
      await writer.create(session, [sessionEvent('created', session, 'e1', new Date())]);
      recordCommands(); // only the reader's own commands from here
      expect(await reader().get(session.session_id)).toMatchObject({ session_id: session.session_id });
      expect(await reader().findByOrderNo(session.order_no!)).toMatchObject({ session_id: session.session_id });
    });
  });

  describeFactory('dynamoIdempotency()', dynamoIdempotency, (store) => idempotencyStoreContract(() => store()));

  describeFactory('dynamoExpiryIndex()', dynamoExpiryIndex, (index) => {
    test('pages through due sessions and keeps its sweep checkpoint', async () => {
      await index().due('2026-11-25T10:30', 0, new Date('2026-11-25T10:31:00Z'), 10);
      // Later than any minute the sessions contract swept on this table (the checkpoint never moves back).
      await index().markSwept('2099-01-01T00:00');
      expect(await index().sweptThrough()).toMatchObject({ minute: '2099-01-01T00:00' });
    });
  });

  describeFactory('dynamoShortLinks()', dynamoShortLinks, (store) => shortLinkStoreContract(async () => store()));
  describeFactory('dynamoShortLinkReader()', dynamoShortLinkReader, (reader) => {
    test('resolves a code', async () => {
      const code = `c${randomBytes(4).toString('hex')}`;
      await build(dynamoShortLinks).adapter.create(code, '/target');
      recordCommands();
      expect(await reader().resolve(code)).toBe('/target');
    });
  });

  // A sync keeps a paid attempt's card: saves it, makes it an agreement's, moves the agreement, gives a second copy back.
  describeFactory('dynamoCardKeeper()', dynamoCardKeeper, (keeper) => {
    test('keeps a card under an agreement, replaces it, deletes the first', async () => {
      const customer = `keeper-${randomBytes(4).toString('hex')}`;
      const card = (token: string) => ({ token, customer_id: customer, pg_code: 'mpgs-kwd', brand: 'MASTERCARD', number: '512345xxxxxx0008', expiry_month: '01', expiry_year: '39', created_at: '2026-12-07T10:00:00.000Z' });
      await keeper().save(card('9000000000000001'));
      await keeper().save(card('9000000000000002'));
      expect(await keeper().useForAgreement(customer, 'agr-1', '9000000000000001')).toBe('ok');
      expect(await keeper().delete(customer, '9000000000000001')).toBe('in_use');
      expect(await keeper().useForAgreement(customer, 'agr-1', '9000000000000002')).toBe('ok');
      expect(await keeper().delete(customer, '9000000000000001')).toBe('deleted');
    });
  });

  describeFactory('dynamoCardReader()', dynamoCardReader, (reader) => {
    test("lists a customer's cards and reads one", async () => {
      const customer = `reader-${randomBytes(4).toString('hex')}`;
      await build(dynamoCardKeeper).adapter.save({ token: '9000000000000003', customer_id: customer, pg_code: 'mpgs-kwd', brand: 'VISA', number: '450875xxxxxx1019', expiry_month: '01', expiry_year: '39', created_at: '2026-12-07T10:00:00.000Z' });
      recordCommands();
      expect((await reader().list(customer)).map((card) => card.token)).toEqual(['9000000000000003']);
      expect(await reader().get(customer, '9000000000000003')).toBeDefined();
    });
  });

  // Authenticating functions also write the configuration: a password hash upgraded on login (PutItem).
  const saveUnchanged = async (store: ReturnType<typeof dynamoConfig>) => {
    const stored = (await store.read())!;
    expect(await store.save(stored.config, stored.version)).toBe(stored.version + 1);
  };
  describeFactory('dynamoConfig()', dynamoConfig, (store) => {
    test('loads the configuration, and saves it', async () => {
      expect((await store().load()).gateways.length).toBeGreaterThan(0);
      await saveUnchanged(store());
    });
  });
  describeFactory('dynamoConfigWithWebhookKey()', dynamoConfigWithWebhookKey, (store) => {
    test('loads the configuration and the webhook key', async () => {
      expect((await store().load()).gateways.length).toBeGreaterThan(0);
      expect(await store().webhookKey()).toBe(DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY);
      await saveUnchanged(store());
    });
  });

  // The attachment contract wants an empty bucket per test: the factory builds on a fresh one each time.
  const freshBucket = async () => {
    const bucket = `commands-${run}-${randomBytes(3).toString('hex')}`;
    await new S3Client({ forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: bucket }));
    env = { ...env, CHECKOUT_BUCKET: bucket };
  };
  describeFactory('s3Attachments()', s3Attachments, () =>
    attachmentStoreContract(async () => {
      await freshBucket();
      return build(s3Attachments).adapter;
    }),
  );
  describeFactory('s3AttachmentReader()', s3AttachmentReader, (reader) => {
    test('presigns a download, and a missing object is none', async () => {
      await build(s3Attachments).adapter.put('attachments/read-me', { content: Buffer.from('%PDF-1.4'), contentType: 'application/pdf', filename: 'a.pdf' });
      recordCommands();
      expect(await reader().download('attachments/read-me')).toMatchObject({ kind: 'redirect' });
      expect(await reader().download('attachments/missing')).toBeUndefined();
    });
  });

  describeFactory('s3AttachmentRemover()', s3AttachmentRemover, (remover) => {
    test('deletes an object; one already gone is no error', async () => {
      await build(s3Attachments).adapter.put('attachments/remove-me', { content: Buffer.from('%PDF-1.4'), contentType: 'application/pdf', filename: 'a.pdf' });
      recordCommands();
      await remover().delete('attachments/remove-me');
      await remover().delete('attachments/remove-me');
      expect(await build(s3Attachments).adapter.head('attachments/remove-me')).toBeUndefined();
      // The head above is the store's, not the remover's.
      recordCommands();
      await remover().delete('attachments/remove-me');
    });
  });

  describeFactory('sqsPublisher(all channels)', () => sqsPublisher(['webhook', 'email', 'sms']), (queue) => {
    test('publishes to each queue', async () => {
      const event = createdEvent(eventSession());
      await queue().publish('webhook', { channel: 'webhook', event });
      await queue().publish('email', { channel: 'email', event, to: 'huda@example.com' });
      await queue().publish('sms', { channel: 'sms', event, to: '+96550000000' });
    });
  });

  describeFactory('sqsInquiryScheduler()', sqsInquiryScheduler, (scheduler) => {
    test('schedules a try on the sync queue, delayed by its window (SQS DelaySeconds)', async () => {
      await scheduler().schedule({ session_id: 's1', reference: 'R1', try: 2, delay_seconds: 660 });
      // Not visible before its delay: the message waits in the queue.
      const seen = await sqs.send(new ReceiveMessageCommand({ QueueUrl: env.CHECKOUT_SYNC_QUEUE_URL, MaxNumberOfMessages: 1 }));
      expect(seen.Messages ?? []).toEqual([]);
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: env.CHECKOUT_SYNC_QUEUE_URL, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }));
      expect(Attributes?.ApproximateNumberOfMessagesDelayed).toBe('1');
    });
  });

  describeFactory(
    'sqsConsumerQueue(webhook)',
    () => sqsConsumerQueue('webhook'),
    (queue) => {
      test('retries a message later, and dead-letters one with its reason', async () => {
        const event = createdEvent(eventSession());
        await build(() => sqsPublisher(['webhook'])).adapter.publish('webhook', { channel: 'webhook', event });
        recordCommands();
        const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: env.CHECKOUT_WEBHOOK_QUEUE_URL, MaxNumberOfMessages: 1 }));
        await queue().retryLater('webhook', received.Messages![0]!.ReceiptHandle!, 30);
        await queue().deadLetter('webhook', received.Messages![0]!.Body!, 'gave up');
      });
    },
    { triggerGives: ['sqs:ChangeMessageVisibility'] },
  );

  describeFactory('sesMailer()', sesMailer, (mailer) => {
    test('sends an e-mail', async () => {
      await mailer().send({ to: `to-${run}@example.com`, subject: 's', text: 't', html: '<p>t</p>' });
    });
  });

  describeFactory('snsSmsSender()', snsSmsSender, (sender) => {
    test('sends an SMS', async () => {
      await sender().send({ to: '+96550000000', text: `commands ${run}` });
    });
  });

  describeFactory('dynamoAuditedSessions()', dynamoAuditedSessions, (repo) => {
    test('commits an operation with its audit entry, releasing the order_no', async () => {
      const writer = build(dynamoSessions).adapter;
      const session = sampleSession({ order_no: newOrderNo() });
      await writer.create(session, [sessionEvent('created', session, 'e1', new Date())]);
      recordCommands(); // only the audited repository's own commands from here
      const stored = (await repo().get(session.session_id))!;
      const next = { ...stored, state: 'canceled' as const };
      const at = new Date().toISOString();
      await repo().update(next, stored, [sessionEvent('canceled', next, 'e2', new Date())], {
        audit: {
          entry_id: `${at}#${run}`,
          at,
          actor: { kind: 'api_key', name: 'commands', id: 'commands' },
          address: '203.0.113.7',
          request_id: `req-${run}`,
          action: 'operation.cancel',
          session_id: session.session_id,
        },
      });
      // Canceled releases the order_no; the released claim still points at its last holder.
      expect(await repo().findByOrderNo(session.order_no!)).toBeUndefined();
      expect(await repo().lastByOrderNo(session.order_no!)).toMatchObject({ session_id: session.session_id, state: 'canceled' });
    });
  });

  describeFactory('dynamoConfigReader()', dynamoConfigReader, (store) => {
    test('loads the configuration', async () => {
      expect((await store().load()).gateways.length).toBeGreaterThan(0);
    });
  });

  describeFactory('dynamoWebhookSigner()', dynamoWebhookSigner, (store) => {
    test('loads the configuration and the webhook key, and writes nothing', async () => {
      expect((await store().load()).gateways.length).toBeGreaterThan(0);
      expect(await store().webhookKey()).toBe(DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY);
    });
  });

  describeFactory('dynamoAuthAttempts()', dynamoAuthAttempts, (attempts) => {
    test('counts failures under a version, clears them, and keeps the last use of a key', async () => {
      const subject = { kind: 'address' as const, value: `203.0.113.${run.length}` };
      const record = { failures: 1, lockouts: 0, window_started: new Date().toISOString() };
      expect(await attempts().write(subject, record, undefined, new Date(Date.now() + 86_400_000))).toBe(true);
      expect(await attempts().read(subject)).toMatchObject({ record, version: 1 });
      // A writer that read before this one loses: its count would be one short.
      expect(await attempts().write(subject, { ...record, failures: 2 }, 0, new Date(Date.now() + 86_400_000))).toBe(false);
      await attempts().clear(subject);
      expect(await attempts().read(subject)).toBeUndefined();
      const prefix = `k${randomBytes(4).toString('hex')}`;
      await attempts().noteKeyUse(prefix, new Date('2026-12-07T10:00:00Z'));
      await attempts().noteKeyUse(prefix, new Date('2026-12-07T09:00:00Z'));
      expect(await attempts().lastUses([prefix])).toEqual(new Map([[prefix, '2026-12-07T10:00:00.000Z']]));
    });
  });

  describeFactory('dynamoSavedCards()', dynamoSavedCards, (store) => savedCardsContract(() => store()));

  describeFactory('csrfSecret()', csrfSecret, (secret) => {
    test('reads the CSRF secret', async () => {
      expect(await secret().value()).toBe('csrf-secret-of-the-commands-test');
    });
  });

  describe('with a local MPGS', () => {
    let mpgs: LocalMpgs;
    beforeAll(async () => {
      mpgs = await startTestMpgs();
    });
    afterAll(() => mpgs.stop());
    describeFactory(
      'awsPaymentGateways()',
      // The connectors hold the process's Secrets Manager client in a closure: watched directly.
      () => Object.assign(awsPaymentGateways(), { watched: secretsManagerClient() }),
      (gateways) => {
        test("connects an MPGS gateway with its secret, and calls the gateway's own API only", async () => {
          const gateway = await gateways().connect(mpgsSetting(mpgs));
          expect(gateway).toBeDefined();
          expect(await gateway!.sync({ reference: `commands-${run}-none` })).toMatchObject({ status: expect.any(String) });
        });
      },
    );
  });
});

test('every adapter factory that declares grants is run here', () => {
  const root = join(__dirname, '..', '..', 'functions', 'adapters');
  const factories = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => [...readFileSync(join(root, file), 'utf8').matchAll(/export function (\w+)\([^)]*\)[^{]*\{\n\s+uses\(/g)].map((m) => m[1]!));
  expect(factories.length).toBeGreaterThan(10);
  expect(factories.filter((name) => !covered.has(name)).sort()).toEqual([]);
});
