import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerSecret } from '../../functions/adapters/aws/secrets-manager-secret';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { createDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { CONFIG_TTL_MS, DynamoConfigStore } from '../../functions/adapters/aws/dynamo-config-store';
import { MemoryConfigStore } from '../../functions/adapters/embedded/memory-config-store';
import { ManualClock } from '../../functions/adapters/system-clock';
import { VersionConflictError } from '../../functions/domain/errors';
import { demoConfig } from '../../functions/local/demo-config';
import { countCalls, createTestTable } from '../fixtures/dynamo-table';
import { DEMO_ENV } from '../fixtures/local-api';
import { describeAws } from '../fixtures/moto';
import { configStoreContract } from './config-store.contract';

describe('ConfigStore contract: embedded', () => {
  configStoreContract(async () => {
    const { config, credentials } = await demoConfig(DEMO_ENV);
    return { store: new MemoryConfigStore(config, credentials.webhookKey), config, webhookKey: credentials.webhookKey };
  });
});

describeAws('ConfigStore contract: DynamoDB + Secrets Manager on moto', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let client: DynamoDBDocumentClient;
  let secrets: SecretsManagerClient;
  const secretId = `checkout-test/webhook-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    table = await createTestTable('config');
    client = createDocumentClient();
    secrets = new SecretsManagerClient({});
    await secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY }));
  });
  afterAll(async () => {
    await table.drop();
    client.destroy();
    secrets.destroy();
  });

  configStoreContract(async () => {
    const { config } = await demoConfig(DEMO_ENV);
    const store = new DynamoConfigStore(client, table.name, { webhookSecret: new SecretsManagerSecret(secrets, secretId) });
    await store.save(config, undefined);
    return { store, config, webhookKey: DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY };
  });

  describe('caching and versions', () => {
    test(`a Lambda reads the configuration once per ${CONFIG_TTL_MS / 1000} s, and sees a change after that`, async () => {
      const { config } = await demoConfig(DEMO_ENV);
      const admin = new DynamoConfigStore(client, table.name);
      const counted = createDocumentClient();
      const calls = countCalls(counted);
      const clock = new ManualClock(new Date('2026-11-25T10:00:00.000Z'));
      const lambda = new DynamoConfigStore(counted, table.name, { clock });

      const before = await lambda.load();
      await Promise.all([lambda.load(), lambda.load(), lambda.load()]);
      expect(calls.counts).toEqual({ GetItem: 1 });

      const stored = (await admin.read())!;
      await admin.save({ ...stored.config, expire_transactions: !stored.config.expire_transactions }, stored.version);
      clock.advance(CONFIG_TTL_MS - 1);
      expect((await lambda.load()).expire_transactions).toBe(before.expire_transactions);
      clock.advance(1);
      expect((await lambda.load()).expire_transactions).toBe(!before.expire_transactions);
      expect(calls.counts).toEqual({ GetItem: 2 });
      counted.destroy();
      await admin.save(config, stored.version + 1);
    });

    test('the webhook key is fetched from Secrets Manager once and then cached', async () => {
      const counted = new SecretsManagerClient({});
      const calls = countCalls(counted);
      const store = new DynamoConfigStore(client, table.name, { webhookSecret: new SecretsManagerSecret(counted, secretId) });
      expect(await store.webhookKey()).toBe(DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY);
      expect(await store.webhookKey()).toBe(DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY);
      expect(calls.counts).toEqual({ GetSecretValue: 1 });
      counted.destroy();
    });

    test('saves are version-checked: a stale writer gets a conflict and changes nothing', async () => {
      const admin = new DynamoConfigStore(client, table.name);
      const stored = (await admin.read())!;
      await admin.save({ ...stored.config, currencies: [...stored.config.currencies, 'GBP'] }, stored.version);
      await expect(admin.save({ ...stored.config, currencies: ['XXX'] }, stored.version)).rejects.toBeInstanceOf(VersionConflictError);
      const now = (await admin.read())!;
      expect(now.version).toBe(stored.version + 1);
      expect(now.config.currencies).toContain('GBP');
      await expect(admin.save(stored.config, undefined)).rejects.toBeInstanceOf(VersionConflictError);
    });

    test('a table without configuration is a clear server-side error, not a crash later', async () => {
      const empty = await createTestTable('config-empty');
      const store = new DynamoConfigStore(client, empty.name);
      await expect(store.load()).rejects.toThrow(/No merchant configuration in table/);
      await empty.drop();
    });

    test('without a webhook secret id, webhookKey says what is missing', async () => {
      await expect(new DynamoConfigStore(client, table.name).webhookKey()).rejects.toThrow(/CHECKOUT_WEBHOOK_SECRET_ID/);
    });
  });
});
