import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MerchantConfig } from '../../domain/config';
import { VersionConflictError } from '../../domain/errors';
import type { Clock, ConfigStore } from '../../ports';
import { systemClock } from '../system-clock';
import { dynamoCall } from './dynamo-errors';
import { TtlCache } from './ttl-cache';
import { CONFIG_KEY } from './table-keys';
import { setting } from '../../config/env';
import { uses } from '../../config/needs';
import { dynamoDocumentClient, secretsManagerClient } from './aws-clients';

export interface DynamoConfigStoreOptions {
  /** Secrets Manager secret holding the webhook HMAC key (CHECKOUT_WEBHOOK_SECRET_ID). */
  secretId?: string;
  secrets?: SecretsManagerClient;
  clock?: Clock;
  /** How long a Lambda serves the configuration it read; see docs/dynamodb.md. */
  configTtlMs?: number;
  keyTtlMs?: number;
}

export interface StoredConfig {
  config: MerchantConfig;
  version: number;
}

export const CONFIG_TTL_MS = 30_000;
export const WEBHOOK_KEY_TTL_MS = 5 * 60_000;

/**
 * The merchant configuration item (pk CONFIG) and the webhook key secret. Every authenticated
 * request needs the configuration, so a Lambda keeps what it read for CONFIG_TTL_MS: one GetItem
 * per 30 s per warm instance instead of one per request, at the price that a change (a revoked
 * API key, a disabled user) reaches warm instances up to 30 s later.
 */
export class DynamoConfigStore implements ConfigStore {
  private readonly configCache: TtlCache<MerchantConfig>;
  private readonly keyCache: TtlCache<string>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: DynamoConfigStoreOptions = {},
  ) {
    const clock = options.clock ?? systemClock;
    this.configCache = new TtlCache(options.configTtlMs ?? CONFIG_TTL_MS, clock);
    this.keyCache = new TtlCache(options.keyTtlMs ?? WEBHOOK_KEY_TTL_MS, clock);
  }

  load(): Promise<MerchantConfig> {
    return this.configCache.get(async () => {
      const stored = await this.read(false);
      if (!stored) throw new Error(`No merchant configuration in table ${this.table}: run CHECKOUT_BOOTSTRAP=1 or npm run admin.`);
      return stored.config;
    });
  }

  webhookKey(): Promise<string> {
    return this.keyCache.get(async () => {
      const { secretId, secrets } = this.options;
      if (!secretId || !secrets) throw new Error('CHECKOUT_WEBHOOK_SECRET_ID is not set: no webhook key to sign with.');
      const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (!SecretString) throw new Error(`Secret ${secretId} has no string value.`);
      return SecretString;
    });
  }

  /** The stored configuration and its version, bypassing the cache (admin tools). */
  async read(consistent = true): Promise<StoredConfig | undefined> {
    const { Item } = await dynamoCall(() => this.client.send(new GetCommand({ TableName: this.table, Key: CONFIG_KEY, ConsistentRead: consistent })));
    if (!Item) return undefined;
    const config = JSON.parse(String(Item.document)) as MerchantConfig;
    if (!isMerchantConfig(config)) throw new Error(`The configuration item in ${this.table} is malformed.`);
    return { config, version: Number(Item.version) };
  }

  /**
   * Writes `config` if the stored version is still `expected` (undefined: no item yet), so two
   * admins editing at once cannot overwrite each other. Returns the new version.
   */
  async save(config: MerchantConfig, expected: number | undefined): Promise<number> {
    const version = (expected ?? 0) + 1;
    const condition =
      expected === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expected } };
    try {
      await dynamoCall(() =>
        this.client.send(new PutCommand({ TableName: this.table, Item: { ...CONFIG_KEY, version, document: JSON.stringify(config) }, ...condition })),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') throw new VersionConflictError('CONFIG');
      throw error;
    }
    this.configCache.clear();
    return version;
  }
}

function isMerchantConfig(value: MerchantConfig): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    [value.gateways, value.currencies, value.users, value.api_keys].every(Array.isArray) &&
    typeof value.default_expiration === 'string' &&
    typeof value.expire_transactions === 'boolean'
  );
}

/** The merchant configuration, read-only (credentials, gateways, currencies). */
export function dynamoConfig() {
  uses({ table: ['GetItem'] });
  return new DynamoConfigStore(dynamoDocumentClient(), setting('CHECKOUT_TABLE'));
}

/** The configuration and the webhook HMAC key: for the functions that sign (webhooks, the page's CSRF token). */
export function dynamoConfigWithWebhookKey() {
  uses({ table: ['GetItem'], webhookKey: true });
  return new DynamoConfigStore(dynamoDocumentClient(), setting('CHECKOUT_TABLE'), { secretId: setting('CHECKOUT_WEBHOOK_SECRET_ID'), secrets: secretsManagerClient() });
}
