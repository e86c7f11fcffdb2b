import { dynamoDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoSessionRepository } from '../../functions/adapters/aws/dynamo-session-repository';
import { systemClock } from '../../functions/adapters/system-clock';
import { inquireSession } from '../../functions/app/inquire-session';
import { IN_FLIGHT_MS, type ChildTransaction } from '../../functions/domain/operations';
import { demoConfig } from '../../functions/local/demo-config';
import { embeddedPorts } from '../../functions/local/embedded-ports';
import type { LocalMpgs } from '../../functions/local/mpgs/local-mpgs';
import { runAdmin, type AdminIo } from '../../scripts/admin/commands';
import { createTestTable } from '../fixtures/dynamo-table';
import { DEMO_ENV } from '../fixtures/local-api';
import { describeAws } from '../fixtures/moto';
import { mpgsGateway, payOnHostedForm, startTestMpgs, testMpgsSecrets, TEST_MERCHANT } from '../fixtures/mpgs';
import { sampleSession } from '../fixtures/sessions';

/**
 * A stale operation reservation the merchant's inquiry resolved, on the DynamoDB repository that
 * commits audit entries with the change (as the Inquiry function's): the service's entry is in
 * the audit trail `npm run admin -- audit` lists.
 */
describeAws('a stale reservation resolved by the inquiry, in `npm run admin -- audit`', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let mpgs: LocalMpgs;
  let out: string[] = [];

  beforeAll(async () => {
    table = await createTestTable('stale-audit');
    mpgs = await startTestMpgs();
  });
  afterAll(async () => {
    await mpgs?.stop();
    await table?.drop();
  });

  const admin = async (...argv: string[]) => {
    out = [];
    const io: AdminIo = {
      out: (line) => out.push(line),
      err: (line) => out.push(line),
      env: { ...process.env, CHECKOUT_TABLE: table.name, CHECKOUT_STAGE: '' },
      readStdin: async () => Promise.reject(new Error('nothing piped to stdin')),
      readFile: async (path) => Promise.reject(new Error(`ENOENT: ${path}`)),
      ask: async () => Promise.reject(new Error('no terminal')),
    };
    return { code: await runAdmin(argv, io), text: out.join('\n') };
  };

  test('released (MPGS has no such transaction): the entry names the service, the operation, its child reference and who asked', async () => {
    const { config, credentials } = await demoConfig({ ...DEMO_ENV }, { host: mpgs.url, merchantId: TEST_MERCHANT.id, secrets: { api_password: TEST_MERCHANT.password, notification_secret: TEST_MERCHANT.notificationSecret } });
    const sessions = new DynamoSessionRepository(dynamoDocumentClient(), table.name, { auditRetentionDays: 365 });
    const ports = { ...embeddedPorts(config, credentials.webhookKey, systemClock, { gatewaySecrets: testMpgsSecrets() }), sessions };

    // A session paid at the local MPGS, and a refund reservation whose request died before sending it.
    const reference = `AUDIT${process.pid % 10000}`.padEnd(12, 'Z').slice(0, 12);
    const started = await (await mpgsGateway(mpgs)).start({ reference, operation: 'purchase', amount: '14.125', currency: 'KWD', returnUrl: 'http://127.0.0.1:9/r', notificationUrl: 'http://127.0.0.1:9/n', merchantName: 'Shop' });
    if (started.kind !== 'hosted' || started.page.kind !== 'script') throw new Error('not hosted');
    await payOnHostedForm(mpgs, (started.page.configure.session as { id: string }).id, { expiry: '01/39' });
    const past = new Date(Date.now() - IN_FLIGHT_MS - 60_000).toISOString();
    const session = sampleSession({
      session_id: `${'a'.repeat(32)}${String(process.pid).padStart(8, '0').slice(-8)}`,
      amount: '14.125',
      pg_codes: ['mpgs-kwd'],
      state: 'paid',
      attempts: [{ reference_number: reference, pg_code: 'mpgs-kwd', result: 'success', card_brand: 'mastercard', card_last4: '0008', attempted_at: past, gateway: started.gateway }],
      settled_pg_code: 'mpgs-kwd',
      reference_number: reference,
      result: 'success',
      created_at: past,
      updated_at: past,
    });
    await sessions.create(session, []);
    const ghost: ChildTransaction = { operation: 'refund', state: 'refunded', amount: '2.000', currency_code: 'KWD', reference_number: `${reference.slice(0, 8)}GHST`, pg_code: 'mpgs-kwd', tracking_key: null, initiator: { username: 'refunds-bot', kind: 'api_key' }, version: 2, created_at: past, session_id: 'c'.repeat(40) };
    await sessions.update({ ...session, version: session.version + 1, operations_in_flight: [ghost] }, session, []);

    await inquireSession(ports, { sessionId: session.session_id, origin: { address: '198.51.100.20', requestId: 'inquiry-audit-1' } });
    expect((await sessions.get(session.session_id))!.operations_in_flight).toBeUndefined();

    const listed = await admin('audit', '--session', session.session_id, '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.text).entries).toEqual([
      expect.objectContaining({
        actor: { kind: 'system', name: 'checkout-api' },
        address: '198.51.100.20',
        request_id: 'inquiry-audit-1',
        action: 'operation.resolve-stale',
        session_id: session.session_id,
        details: expect.objectContaining({ operation: 'refund', reference_number: ghost.reference_number, child_session_id: ghost.session_id, result: 'released', gateway_answer: 'absent', requested_by: 'refunds-bot' }),
      }),
    ]);
    const text = await admin('audit', '--session', session.session_id);
    expect(text.text).toContain('operation.resolve-stale  system:checkout-api  from 198.51.100.20  request inquiry-audit-1');
    expect(text.text).toContain(`"reference_number":"${ghost.reference_number}"`);
  });
});
