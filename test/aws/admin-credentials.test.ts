import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { dynamoDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoConfigStore } from '../../functions/adapters/aws/dynamo-config-store';
import { SecretsManagerSecret } from '../../functions/adapters/aws/secrets-manager-secret';
import { authenticate, forgetAuthenticationMemory } from '../../functions/app/authenticate';
import { AuthenticationError } from '../../functions/domain/errors';
import { mayOperate } from '../../functions/domain/permissions';
import { runAdmin, type AdminIo } from '../../scripts/admin/commands';
import { authPorts, origin } from '../fixtures/auth-ports';
import { createTestTable } from '../fixtures/dynamo-table';
import { describeAws } from '../fixtures/moto';

/**
 * The credential commands of `npm run admin` against a table and secrets on moto, with --json:
 * keys added scoped and expiring, listed without secrets, rotated, revoked; users disabled and
 * reset; every change in the audit trail; the webhook key rotated with an overlap, and an
 * unknown secret id refused.
 */
describeAws('npm run admin: credentials and the audit trail', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let out: string[];
  let err: string[];
  let stdin: string | undefined;
  const io = (): AdminIo => ({
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { ...process.env, CHECKOUT_TABLE: table.name, CHECKOUT_STAGE: '' },
    readStdin: async () => stdin ?? Promise.reject(new Error('nothing piped to stdin')),
    readFile: async (path) => Promise.reject(new Error(`ENOENT: ${path}`)),
    ask: async () => Promise.reject(new Error('no terminal')),
  });
  const admin = async (...argv: string[]) => {
    out = [];
    err = [];
    const code = await runAdmin([...argv, '--json'], io());
    return { code, json: out.length > 0 ? JSON.parse(out.join('\n')) : JSON.parse(err.join('\n')) };
  };
  const config = async () => (await new DynamoConfigStore(dynamoDocumentClient(), table.name).read())!.config;
  const auth = async (authorization: string) => authenticate(authPorts(await config()).ports, { authorization, ...origin });

  beforeAll(async () => {
    table = await createTestTable('admin-credentials');
    await admin('add-gateway', '--code', 'knet', '--name', 'KNET', '--operation', 'purchase', '--currencies', 'KWD');
  });
  afterAll(() => table.drop());
  beforeEach(() => forgetAuthenticationMemory());

  test('keys: add scoped and expiring, list without secrets, rotate with overlap, revoke; each in the audit trail', async () => {
    const since = new Date().toISOString();
    const added = await admin('keys-add', '--name', 'refunds-bot', '--expires', '2099-01-01T00:00:00Z', '--pg-codes', 'knet', '--operations', 'refund');
    expect(added.code).toBe(0);
    const key = added.json.api_key as string;
    const principal = await auth(`Api-Key ${key}`);
    expect(principal).toMatchObject({ name: 'refunds-bot', scope: { pg_codes: ['knet'], operations: ['refund'] } });
    expect([mayOperate(principal, 'refund'), mayOperate(principal, 'delete')]).toEqual([true, false]);

    const listed = await admin('keys-list');
    expect(listed.json.keys).toEqual([
      { name: 'refunds-bot', prefix: added.json.prefix, state: 'active', scope: { permissions: {}, pg_codes: ['knet'], operations: ['refund'] }, created_at: expect.any(String), last_used: null, expires_at: '2099-01-01T00:00:00.000Z', revoked_at: null },
    ]);
    expect(JSON.stringify(listed.json)).not.toContain(key.split('.')[1]);
    expect(JSON.stringify(listed.json)).not.toContain((await config()).api_keys[0]!.key_hash);

    const rotated = await admin('keys-rotate', 'refunds-bot', '--overlap-hours', '2');
    expect(rotated.code).toBe(0);
    expect(await auth(`Api-Key ${key}`)).toMatchObject({ name: 'refunds-bot' });
    expect(await auth(`Api-Key ${rotated.json.api_key}`)).toMatchObject({ name: 'refunds-bot', scope: { operations: ['refund'] } });
    expect(Date.parse(rotated.json.previous_expires_at) - Date.now()).toBeGreaterThan(7_000_000);

    expect((await admin('keys-revoke', added.json.prefix)).code).toBe(0);
    await expect(auth(`Api-Key ${key}`)).rejects.toThrow(new AuthenticationError('Invalid API key.'));
    expect((await admin('keys-revoke', added.json.prefix)).code).toBe(2);
    expect((await admin('keys-list')).json.keys.map((k: { state: string }) => k.state)).toEqual(['revoked', 'active']);

    const audit = await admin('audit', '--since', since);
    expect(audit.json.entries.map((e: { action: string }) => e.action)).toEqual(['credentials.key-add', 'credentials.key-rotate', 'credentials.key-revoke']);
    expect(audit.json.entries[0]).toMatchObject({ actor: { kind: 'operator' }, address: expect.any(String), request_id: expect.stringMatching(/^cli-/), details: { name: 'refunds-bot', prefix: added.json.prefix } });
    expect(JSON.stringify(audit.json)).not.toContain(key);
  });

  test('users: list without hashes, disable (401), enable, reset the password', async () => {
    stdin = 'first password!';
    expect((await admin('create-user', '--username', 'clerk', '--password-stdin', '--permission', 'payment_request=view')).code).toBe(0);
    const basic = (password: string) => `Basic ${Buffer.from(`clerk:${password}`).toString('base64')}`;
    expect((await admin('users-list')).json.users).toEqual([{ username: 'clerk', active: true, permissions: { payment_request: ['view'] }, pg_codes: [], operations: [] }]);
    expect((await admin('users-disable', 'clerk')).code).toBe(0);
    await expect(auth(basic('first password!'))).rejects.toThrow('User inactive or deleted.');
    expect((await admin('users-enable', 'clerk')).code).toBe(0);
    stdin = 'second password!';
    expect((await admin('users-reset-password', 'clerk', '--password-stdin')).code).toBe(0);
    await expect(auth(basic('first password!'))).rejects.toThrow('Invalid username/password.');
    expect(await auth(basic('second password!'))).toMatchObject({ name: 'clerk' });
    expect((await admin('users-disable', 'nobody')).code).toBe(2);
    // Five scrypt runs at N=2^17 (about 0.4 s each on a free core, several on a busy one).
  }, 120_000);

  test('set-webhook-key: an unknown secret id is refused unless --create; a rotation keeps the old key signing until the overlap ends', async () => {
    const secretId = `checkout-creds-test/${randomBytes(4).toString('hex')}`;
    const refused = await admin('set-webhook-key', '--secret-id', secretId);
    expect(refused.code).toBe(2);
    expect(JSON.stringify(refused.json)).toMatch(/No secret .*--create/);
    const created = await admin('set-webhook-key', '--secret-id', secretId, '--create');
    expect(created.code).toBe(0);
    const rotated = await admin('set-webhook-key', '--secret-id', secretId);
    expect(rotated.json.previous_until).toEqual(expect.any(String));
    const secrets = new SecretsManagerClient({});
    const store = new DynamoConfigStore(dynamoDocumentClient(), table.name, { webhookSecret: new SecretsManagerSecret(secrets, secretId) });
    expect(await store.webhookKeys()).toEqual([created.json.key, rotated.json.key]);
    expect(JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString!)).toMatchObject({ current: rotated.json.key, previous: created.json.key });
    secrets.destroy();
    const audit = await admin('audit', '--since', new Date(Date.now() - 60_000).toISOString());
    expect(audit.json.entries.filter((e: { action: string }) => e.action === 'config.set-webhook-key')).toHaveLength(2);
  });
});
