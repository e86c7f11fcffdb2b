import { DeleteSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { dynamoDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoConfigStore } from '../../functions/adapters/aws/dynamo-config-store';
import { SecretsManagerGatewaySecrets } from '../../functions/adapters/aws/gateway-secrets';
import { connectorTable } from '../../functions/adapters/connectors';
import { gatewaySecretPrefix } from '../../functions/config/gateway-secrets';
import type { LocalMpgs } from '../../functions/local/mpgs/local-mpgs';
import { runAdmin, type AdminIo } from '../../scripts/admin/commands';
import { createTestTable } from '../fixtures/dynamo-table';
import { describeAws } from '../fixtures/moto';
import { startTestMpgs, TEST_MERCHANT } from '../fixtures/mpgs';

/**
 * `npm run admin -- add-gateway` for an MPGS gateway on moto: the secrets from stdin or a file
 * land in Secrets Manager under the name the functions read (checkout/<stage>/gateways/<code>),
 * the setting in the config item; the functions' own reader then starts a payment at the local
 * MPGS with them. Secrets on argv, a gateway half given, a sandbox gateway on prod: refused,
 * nothing changed.
 */
describeAws('npm run admin -- add-gateway: MPGS', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let mpgs: LocalMpgs;
  const secrets = new SecretsManagerClient({});
  const prefix = `checkout/admin-gw-${randomBytes(4).toString('hex')}/gateways/`;
  const created: string[] = [];
  let out: string[];
  let err: string[];
  let stdin: string | undefined;
  let files: Record<string, string>;
  const io = (env: NodeJS.ProcessEnv): AdminIo => ({
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { ...process.env, CHECKOUT_TABLE: table.name, CHECKOUT_STAGE: '', CHECKOUT_GATEWAY_SECRET_PREFIX: prefix, ...env },
    readStdin: async () => stdin ?? Promise.reject(new Error('nothing piped to stdin')),
    readFile: async (path) => files[path] ?? Promise.reject(new Error(`ENOENT: ${path}`)),
    ask: async () => Promise.reject(new Error('no terminal')),
  });
  const admin = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    out = [];
    err = [];
    const code = await runAdmin([...argv, '--json'], io(env));
    return { code, json: JSON.parse(out.join('\n')) as Record<string, unknown> };
  };
  const config = async () => (await new DynamoConfigStore(dynamoDocumentClient(), table.name).read())?.config;
  const secretOf = async (id: string) => {
    try {
      return JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: id }))).SecretString!) as Record<string, string>;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  };
  const mpgsArgs = (code: string, ...more: string[]) => ['add-gateway', '--code', code, '--name', 'Mastercard Gateway', '--pg', 'mpgs', '--operation', 'purchase', '--currencies', 'KWD', '--host', mpgs.url, '--merchant-id', TEST_MERCHANT.id, ...more];

  beforeAll(async () => {
    table = await createTestTable('admin-gateways');
    mpgs = await startTestMpgs();
  });
  beforeEach(() => {
    stdin = undefined;
    files = {};
  });
  afterAll(async () => {
    await Promise.all(created.map((id) => secrets.send(new DeleteSecretCommand({ SecretId: id, ForceDeleteWithoutRecovery: true })).catch(() => undefined)));
    secrets.destroy();
    await mpgs.stop();
    await table.drop();
  });

  test('the API password from stdin and the notification secret from a file: the secret where the functions read it, the setting in the config; the functions pay with them', async () => {
    stdin = `${TEST_MERCHANT.password}\n`;
    files = { '/run/notify-secret': TEST_MERCHANT.notificationSecret };
    const added = await admin(mpgsArgs('mpgs-kwd', '--inquiry-window', '9', '--api-password-stdin', '--notification-secret-file', '/run/notify-secret'));
    expect(added).toEqual({ code: 0, json: expect.objectContaining({ ok: true, gateway: 'mpgs-kwd', pg: 'mpgs', is_sandbox: true, secret_id: `${prefix}mpgs-kwd` }) });
    created.push(`${prefix}mpgs-kwd`);

    expect(await secretOf(`${prefix}mpgs-kwd`)).toEqual({ api_password: TEST_MERCHANT.password, notification_secret: TEST_MERCHANT.notificationSecret });
    const setting = (await config())!.gateways.find((g) => g.code === 'mpgs-kwd')!;
    expect(setting).toMatchObject({ pg: 'mpgs', is_sandbox: true, operation: 'purchase', currencies: ['KWD'], connection: { host: mpgs.url, merchant_id: TEST_MERCHANT.id }, inquiry_window_minutes: 9 });
    const everything = JSON.stringify({ config: await config(), out, err });
    expect(everything).not.toContain(TEST_MERCHANT.password);
    expect(everything).not.toContain(TEST_MERCHANT.notificationSecret);

    // What CheckoutPay builds on AWS: the secrets from Secrets Manager under the stage's prefix.
    const gateway = await connectorTable({ secrets: new SecretsManagerGatewaySecrets(secrets, prefix), timeoutMs: 2_000 }).connect(setting);
    const started = await gateway!.start({ reference: `ADM${randomBytes(4).toString('hex').toUpperCase()}`, operation: 'purchase', amount: '1.500', currency: 'KWD', returnUrl: 'http://127.0.0.1:9/r', notificationUrl: 'http://127.0.0.1:9/n', merchantName: 'Shop' });
    expect(started.kind).toBe('hosted');
  });

  test('--replace with new secrets rotates the stored secret; the audit entry names the secret, never its value', async () => {
    files = { '/a': 'rotated-api-password', '/n': 'rotated-notification-secret' };
    expect((await admin(mpgsArgs('mpgs-rotate', '--api-password-file', '/a', '--notification-secret-file', '/n'))).code).toBe(0);
    created.push(`${prefix}mpgs-rotate`);
    files = { '/a': 'rotated-api-password-2', '/n': 'rotated-notification-secret-2' };
    expect((await admin(mpgsArgs('mpgs-rotate', '--api-password-file', '/a', '--notification-secret-file', '/n'))).code).toBe(2);
    expect((await secretOf(`${prefix}mpgs-rotate`))!.api_password).toBe('rotated-api-password');
    expect((await admin(mpgsArgs('mpgs-rotate', '--replace', '--api-password-file', '/a', '--notification-secret-file', '/n'))).code).toBe(0);
    expect(await secretOf(`${prefix}mpgs-rotate`)).toEqual({ api_password: 'rotated-api-password-2', notification_secret: 'rotated-notification-secret-2' });
    const audit = await admin(['audit', '--since', new Date(Date.now() - 60_000).toISOString()]);
    const entries = (audit.json.entries as Array<{ action: string; details: Record<string, unknown> }>).filter((e) => e.action === 'config.add-gateway' && e.details.code === 'mpgs-rotate');
    expect(entries).toHaveLength(2);
    expect(entries[0]!.details).toMatchObject({ pg: 'mpgs', secret_id: `${prefix}mpgs-rotate` });
    expect(JSON.stringify(audit.json)).not.toContain('rotated-api-password');
  });

  test.each([
    ['the password on the command line', ['--api-password', 'in-the-history', '--notification-secret-file', '/n'], /--api-password would leave the secret in the shell history/],
    ['both secrets on stdin', ['--api-password-stdin', '--notification-secret-stdin'], /stdin carries one secret/],
    ['no notification secret', ['--api-password-file', '/a'], /notification-secret.*--notification-secret-stdin or --notification-secret-file/],
    ['a host that is not a base URL', ['--api-password-file', '/a', '--notification-secret-file', '/n', '--host', 'ap-gateway.mastercard.com/api'], /connection.host must be the gateway's base URL/],
    ['an inquiry window beyond what SQS delays', ['--api-password-file', '/a', '--notification-secret-file', '/n', '--inquiry-window', '16'], /inquiry_window_minutes.*1 to 15/],
  ])('refused, nothing stored: %s', async (_, more, message) => {
    stdin = 'one';
    files = { '/a': 'api', '/n': 'notify' };
    const code = `mpgs-bad-${randomBytes(3).toString('hex')}`;
    const refused = await admin(mpgsArgs(code, ...more));
    expect(refused.code).toBe(2);
    expect(JSON.stringify(refused.json)).toMatch(message);
    expect(await secretOf(`${prefix}${code}`)).toBeUndefined();
    expect((await config())?.gateways.some((g) => g.code === code)).not.toBe(true);
  });

  test('MPGS options on another gateway are refused rather than dropped', async () => {
    const refused = await admin(['add-gateway', '--code', 'knet-x', '--name', 'KNET', '--operation', 'purchase', '--currencies', 'KWD', '--host', 'https://x.example']);
    expect(refused.code).toBe(2);
    expect(JSON.stringify(refused.json)).toMatch(/--host belong to an MPGS gateway/);
  });

  test('a prod stage refuses a sandbox gateway unless --allow-sandbox, and an MPGS host without https; the secret goes under checkout/prod/gateways/', async () => {
    const prod = { CHECKOUT_STAGE: 'prod', CHECKOUT_GATEWAY_SECRET_PREFIX: '' };
    const sandbox = ['add-gateway', '--code', `sbx-${randomBytes(3).toString('hex')}`, '--name', 'Sandbox', '--operation', 'purchase', '--currencies', 'KWD', '--yes'];
    const refused = await admin(sandbox, prod);
    expect(refused.code).toBe(2);
    expect(JSON.stringify(refused.json)).toMatch(/--allow-sandbox/);
    expect((await config())!.gateways.some((g) => g.code === sandbox[2])).toBe(false);
    expect((await admin([...sandbox, '--allow-sandbox'], prod)).code).toBe(0);

    const code = `mpgs-live-${randomBytes(3).toString('hex')}`;
    files = { '/a': 'live-api', '/n': 'live-notify' };
    const http = await admin(mpgsArgs(code, '--production', '--yes', '--api-password-file', '/a', '--notification-secret-file', '/n'), prod);
    expect(http.code).toBe(2);
    expect(JSON.stringify(http.json)).toMatch(/https only/);
    const live = await admin([...mpgsArgs(code, '--production', '--yes', '--api-password-file', '/a', '--notification-secret-file', '/n'), '--host', 'https://ap-gateway.mastercard.com'], prod);
    expect(live.json).toMatchObject({ ok: true, is_sandbox: false, secret_id: `${gatewaySecretPrefix('prod')}${code}` });
    created.push(`${gatewaySecretPrefix('prod')}${code}`);
    expect(await secretOf(`${gatewaySecretPrefix('prod')}${code}`)).toEqual({ api_password: 'live-api', notification_secret: 'live-notify' });
  });
});
