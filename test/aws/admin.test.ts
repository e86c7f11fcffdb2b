import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { dynamoDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { SecretsManagerSecret } from '../../functions/adapters/aws/secrets-manager-secret';
import { DynamoConfigStore } from '../../functions/adapters/aws/dynamo-config-store';
import { authenticate } from '../../functions/app/authenticate';
import { authPorts, origin } from '../fixtures/auth-ports';
import { runAdmin, type AdminIo } from '../../scripts/admin/commands';
import { createTestTable } from '../fixtures/dynamo-table';
import { describeAws } from '../fixtures/moto';

describeAws('npm run admin against a stage table on moto', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let out: string[];
  let err: string[];
  const secretId = `checkout-admin-test/${randomBytes(4).toString('hex')}`;
  let stdin: string | undefined;
  let asked: string[];
  let answer: string | undefined;
  const io = (): AdminIo => ({
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { ...process.env, CHECKOUT_TABLE: table.name, CHECKOUT_STAGE: '' },
    readStdin: async () => {
      if (stdin === undefined) throw new Error('nothing piped to stdin');
      return stdin;
    },
    readFile: async (path) => {
      if (path !== '/secrets/key.txt') throw new Error(`ENOENT: ${path}`);
      return `${'f'.repeat(40)}\n`;
    },
    ask: async (question) => {
      asked.push(question);
      if (answer === undefined) throw new Error('no terminal');
      return answer;
    },
  });
  const admin = (...argv: string[]) => runAdmin(argv, io());
  const json = () => JSON.parse(out.join('\n'));
  const stored = async () => (await new DynamoConfigStore(dynamoDocumentClient(), table.name).read())!;

  beforeAll(async () => {
    table = await createTestTable('admin');
  });
  afterAll(() => table.drop());
  beforeEach(() => {
    out = [];
    err = [];
    stdin = undefined;
    asked = [];
    answer = undefined;
  });

  test('builds a working configuration from an empty table', async () => {
    expect(await admin('add-gateway', '--code', 'knet', '--name', 'KNET', '--operation', 'purchase', '--currencies', 'kwd,USD', '--fee-percent', '2.5')).toBe(0);
    expect(await admin('add-currency', 'KWD')).toBe(0);
    stdin = 'a long enough password\n';
    expect(await admin('create-user', '--username', 'clerk', '--password-stdin', '--permission', 'payment_request=add,view', '--pg-codes', 'knet', '--operations', 'refund,cancel')).toBe(0);
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
    [['create-user', '--username', 'u3', '--pg-codes', 'nope'], /Unknown gateway codes: nope/],
    [['create-user', '--username', 'u4', '--permission', 'payment_request=delete'], /permissions/],
    [['create-user', '--username', 'u5', '--operations', 'refund,launder'], /operations: Unknown operations: launder/],
    [['create-user', '--username', 'u6', '--password', 'a long enough password'], /--password would leave the secret in the shell history.*--password-stdin or --password-file/],
    [['set-webhook-key', '--key', 'k'.repeat(40)], /--key would leave the secret in the shell history/],
    [['create-user', '--username', 'u7', '--password-stdin', '--password-file', '/x'], /not both/],
    [['set-webhook-key', '--secret-id', 'any', '--key-file', '/no/such/file'], /ENOENT/],
    [['set-expire-transactions', 'maybe'], /Use on or off/],
    [['set-plugin-defaults', '--plugin', 'pos', '--webhook-url', 'https://shop.example/hook'], /plugin: Use payment_request or e_commerce/],
    [['set-plugin-defaults', '--plugin', 'payment_request', '--webhook-url', 'ftp://shop.example/hook'], /webhook_url: An absolute http\(s\) URL/],
    [['set-webhook-events', 'created,paid'], /Unknown events: paid/],
    [['add-gateway', '--unknown-flag'], /Unknown option '--unknown-flag'/],
    [['frobnicate'], /Unknown command "frobnicate"/],
  ])('refuses %j with a clear message and changes nothing', async (argv, message) => {
    const before = await stored();
    expect(await admin(...argv)).toBeGreaterThan(0);
    expect(err.join('\n')).toMatch(message);
    expect(await stored()).toEqual(before);
  });

  test('a short password piped in is refused like any other', async () => {
    stdin = 'short\n';
    expect(await admin('create-user', '--username', 'u2', '--password-stdin')).toBe(2);
    expect(err.join('\n')).toMatch(/password: Use at least 12 characters/);
  });

  test('set-expire-transactions and set-webhook-key', async () => {
    expect(await admin('set-expire-transactions', 'off')).toBe(0);
    expect((await stored()).config.expire_transactions).toBe(false);
    expect(await admin('set-webhook-key', '--secret-id', secretId, '--create')).toBe(0);
    const printed = /\(shown once\): ([0-9a-f]{64})/.exec(out.join('\n'))![1];
    const secrets = new SecretsManagerClient({});
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString).toBe(printed);
    stdin = 'k'.repeat(40);
    expect(await admin('set-webhook-key', '--secret-id', secretId, '--key-stdin', '--overlap-hours', '0')).toBe(0);
    expect(await new DynamoConfigStore(dynamoDocumentClient(), table.name, { webhookSecret: new SecretsManagerSecret(secrets, secretId) }).webhookKey()).toBe('k'.repeat(40));
    expect(out.join('\n')).not.toContain('k'.repeat(40));
    expect(await admin('set-webhook-key', '--secret-id', secretId, '--key-file', '/secrets/key.txt', '--overlap-hours', '0')).toBe(0);
    expect(await new DynamoConfigStore(dynamoDocumentClient(), table.name, { webhookSecret: new SecretsManagerSecret(secrets, secretId) }).webhookKey()).toBe('f'.repeat(40));
    secrets.destroy();
  });

  test('set-plugin-defaults and set-webhook-events', async () => {
    expect(await admin('set-plugin-defaults', '--plugin', 'payment_request', '--webhook-url', 'https://shop.example/hook', '--redirect-url', 'https://shop.example/thanks')).toBe(0);
    expect(await admin('set-plugin-defaults', '--plugin', 'payment_request', '--redirect-url', '')).toBe(0);
    expect((await stored()).config.plugin_defaults).toEqual({ payment_request: { webhook_url: 'https://shop.example/hook', redirect_url: '' } });
    expect(await admin('set-webhook-events', 'created,pending')).toBe(0);
    expect((await stored()).config.webhook_open_events).toEqual(['created', 'pending']);
    expect(await admin('set-webhook-events', 'none')).toBe(0);
    expect((await stored()).config.webhook_open_events).toEqual([]);
  });

  test('show-config prints no hashes', async () => {
    expect(await admin('show-config')).toBe(0);
    const shown = JSON.parse(out.join('\n'));
    expect(shown.users[0]).toEqual({ username: 'clerk', active: true, permissions: { payment_request: ['add', 'view'] }, pg_codes: ['knet'], operations: ['refund', 'cancel'] });
    expect(shown.api_keys[0]).toEqual({ prefix: expect.any(String), label: 'shop', created_at: expect.any(String) });
    expect(out.join('\n')).not.toMatch(/hash|scrypt/);
  });

  test('--json: one JSON document on stdout for a result, a generated secret, and an error', async () => {
    expect(await admin('add-currency', 'USD', '--json')).toBe(0);
    expect(json()).toEqual({ ok: true, command: 'add-currency', stage: null, currency: 'USD', config_version: expect.any(Number) });
    out = [];
    expect(await admin('create-user', '--username', 'robot', '--permission', 'payment_request=view', '--json')).toBe(0);
    const created = json();
    expect(created).toMatchObject({ ok: true, username: 'robot', password: expect.stringMatching(/^[\w-]{20}$/) });
    const basic = `Basic ${Buffer.from(`robot:${created.password}`).toString('base64')}`;
    expect(await authenticate(authPorts((await stored()).config).ports, { authorization: basic, ...origin })).toMatchObject({ kind: 'user' });
    out = [];
    expect(await admin('create-api-key', '--json')).toBe(2);
    expect(json()).toEqual({ ok: false, command: 'create-api-key', error: { message: 'Invalid input.', fields: { label: ['--label is required.'] } } });
    expect(err).toEqual([]);
    out = [];
    expect(await admin('show-config', '--json')).toBe(0);
    expect(json().config.currencies).toContain('USD');
    out = [];
    expect(await admin('nope', '--json')).toBe(2);
    expect(json()).toMatchObject({ ok: false, error: { message: 'Unknown command "nope".' } });
  });

  test('a prod stage: a change asks for the stage\'s name unless --yes; reading does not ask', async () => {
    const prod = (...argv: string[]) => runAdmin(argv, { ...io(), env: { ...process.env, CHECKOUT_TABLE: table.name, CHECKOUT_STAGE: 'prod' } });
    const before = await stored();
    expect(await prod('add-currency', 'EUR')).toBe(2); // no terminal to ask on
    expect(err.join('\n')).toMatch(/changes the prod stage: there is no terminal to confirm on, so pass --yes/);
    answer = 'yes';
    asked = [];
    expect(await prod('add-currency', 'EUR', '--json')).toBe(2);
    expect(asked).toEqual(['add-currency changes the prod stage. Type "prod" to continue: ']);
    expect(json().error.message).toMatch(/not confirmed/);
    expect(await stored()).toEqual(before);
    answer = 'prod';
    expect(await prod('add-currency', 'EUR')).toBe(0);
    expect((await stored()).config.currencies).toContain('EUR');
    answer = undefined;
    expect(await prod('add-currency', 'GBP', '--yes')).toBe(0);
    asked = [];
    expect(await prod('show-config')).toBe(0);
    expect(asked).toEqual([]);
    // A table named after the prod Data stack is prod even when no stage is named.
    err = [];
    expect(await admin('add-currency', 'JPY', '--table', 'Checkout-prod-Data-Table1A2B3C-XYZ')).toBe(2);
    expect(err.join('\n')).toMatch(/changes the prod stage/);
  });
});
