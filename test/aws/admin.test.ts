import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { dynamoDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { SecretsManagerSecret } from '../../functions/adapters/aws/secrets-manager-secret';
import { DynamoConfigStore } from '../../functions/adapters/aws/dynamo-config-store';
import { authenticate } from '../../functions/app/authenticate';
import { authPorts, origin } from '../fixtures/auth-ports';
import { runAdmin } from '../../scripts/admin-commands';
import { createTestTable } from '../fixtures/dynamo-table';
import { describeAws } from '../fixtures/moto';

describeAws('npm run admin against a stage table on moto', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let out: string[];
  let err: string[];
  const secretId = `checkout-admin-test/${randomBytes(4).toString('hex')}`;
  const admin = (...argv: string[]) => runAdmin(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { ...process.env, CHECKOUT_TABLE: table.name } });
  const stored = async () => (await new DynamoConfigStore(dynamoDocumentClient(), table.name).read())!;

  beforeAll(async () => {
    table = await createTestTable('admin');
  });
  afterAll(() => table.drop());
  beforeEach(() => {
    out = [];
    err = [];
  });

  test('builds a working configuration from an empty table', async () => {
    expect(await admin('add-gateway', '--code', 'knet', '--name', 'KNET', '--operation', 'purchase', '--currencies', 'kwd,USD', '--fee-percent', '2.5')).toBe(0);
    expect(await admin('add-currency', 'KWD')).toBe(0);
    expect(await admin('create-user', '--username', 'clerk', '--password', 'a long enough password', '--permission', 'payment_request=add,view', '--pg-codes', 'knet', '--operations', 'refund,cancel')).toBe(0);
    expect(await admin('create-api-key', '--label', 'shop')).toBe(0);
    const key = /API key \(shown once, store it now\): (\S+)/.exec(out.join('\n'))![1]!;

    const { config, version } = await stored();
    expect(version).toBe(4);
    expect(config.gateways).toEqual([expect.objectContaining({ code: 'knet', operation: 'purchase', currencies: ['KWD', 'USD'], fee_percent: '2.5', is_sandbox: true })]);
    expect(config.currencies).toEqual(['KWD']);
    expect(JSON.stringify(config)).not.toContain(key);
    expect(JSON.stringify(config)).not.toContain('a long enough password');
    const { ports } = authPorts(config);
    expect(await authenticate(ports, { authorization: `Api-Key ${key}`, ...origin })).toEqual({ kind: 'api_key', id: key.split('.')[0], name: 'shop' });
    const basic = `Basic ${Buffer.from('clerk:a long enough password').toString('base64')}`;
    expect(await authenticate(ports, { authorization: basic, ...origin })).toMatchObject({ kind: 'user', user: { permissions: { payment_request: ['add', 'view'] }, pg_codes: ['knet'], operations: ['refund', 'cancel'] } });
  });

  test.each([
    [['add-gateway', '--code', 'x', '--name', 'X', '--operation', 'purchase', '--currencies', 'KWD,XYZ'], /currencies: Not ISO 4217 currency codes: XYZ/],
    [['add-gateway', '--code', 'x', '--name', 'X', '--operation', 'capture', '--currencies', 'KWD'], /operation: Must be "purchase" or "authorize"/],
    [['add-gateway', '--code', 'knet', '--name', 'X', '--operation', 'purchase', '--currencies', 'KWD'], /exists already/],
    [['add-currency', 'ABC'], /not an ISO 4217 currency code/],
    [['create-user', '--username', 'u2', '--password', 'short'], /password: Use at least 12 characters/],
    [['create-user', '--username', 'u3', '--password', 'a long enough password', '--pg-codes', 'nope'], /Unknown gateway codes: nope/],
    [['create-user', '--username', 'u4', '--password', 'a long enough password', '--permission', 'payment_request=delete'], /permissions/],
    [['create-user', '--username', 'u5', '--password', 'a long enough password', '--operations', 'refund,launder'], /operations: Unknown operations: launder/],
    [['set-expire-transactions', 'maybe'], /Use on or off/],
    [['add-gateway', '--unknown-flag'], /Unknown option '--unknown-flag'/],
    [['frobnicate'], /Unknown command "frobnicate"/],
  ])('refuses %j with a clear message and changes nothing', async (argv, message) => {
    const before = await stored();
    expect(await admin(...argv)).toBe(2);
    expect(err.join('\n')).toMatch(message);
    expect(await stored()).toEqual(before);
  });

  test('set-expire-transactions and set-webhook-key', async () => {
    expect(await admin('set-expire-transactions', 'off')).toBe(0);
    expect((await stored()).config.expire_transactions).toBe(false);
    expect(await admin('set-webhook-key', '--secret-id', secretId)).toBe(0);
    const printed = /\(shown once\): ([0-9a-f]{64})/.exec(out.join('\n'))![1];
    const secrets = new SecretsManagerClient({});
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString).toBe(printed);
    expect(await admin('set-webhook-key', '--secret-id', secretId, '--key', 'k'.repeat(40))).toBe(0);
    expect(await new DynamoConfigStore(dynamoDocumentClient(), table.name, { webhookSecret: new SecretsManagerSecret(secrets, secretId) }).webhookKey()).toBe('k'.repeat(40));
    secrets.destroy();
  });

  test('show-config prints no hashes', async () => {
    expect(await admin('show-config')).toBe(0);
    const shown = JSON.parse(out.join('\n'));
    expect(shown.users[0]).toEqual({ username: 'clerk', active: true, permissions: { payment_request: ['add', 'view'] }, pg_codes: ['knet'], operations: ['refund', 'cancel'] });
    expect(shown.api_keys[0]).toEqual({ prefix: expect.any(String), label: 'shop' });
    expect(out.join('\n')).not.toMatch(/hash|scrypt/);
  });
});
