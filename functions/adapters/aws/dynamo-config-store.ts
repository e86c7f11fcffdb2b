import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../domain/audit';
import { activeWebhookKeys, parseWebhookSecret } from '../../domain/webhook-keys';
import { auditPut } from './dynamo-audit-log';
import type { MerchantConfig } from '../../domain/config';
import { VersionConflictError } from '../../domain/errors';
import type { Clock, ConfigStore, SecretSource } from '../../ports';
import { systemClock } from '../system-clock';
import { dynamoCall } from './dynamo-errors';
import { TtlCache } from './ttl-cache';
import { CONFIG_KEY } from './table-keys';
import { setting } from '../../config/env';
import { uses } from '../../config/needs';
import { dynamoDocumentClient, secretsManagerClient } from './aws-clients';
import { SecretsManagerSecret } from './secrets-manager-secret';

export interface DynamoConfigStoreOptions {
  /**
   * The Secrets Manager secret holding the webhook HMAC keys (CHECKOUT_WEBHOOK_SECRET_ID), read
   * every WEBHOOK_KEY_TTL_MS. Passed in, so a function that never signs does not bundle the
   * Secrets Manager client.
   */
  webhookSecret?: SecretSource;
  clock?: Clock;
  /** How long a Lambda serves the configuration it read; see docs/dynamodb.md. */
  configTtlMs?: number;
  /** Days an audit entry is kept (CHECKOUT_AUDIT_RETENTION_DAYS); needed to save with one. */
  auditRetentionDays?: number;
}

export interface StoredConfig {
  config: MerchantConfig;
  version: number;
}

/**
 * How long a revoked key, a disabled user or a changed scope may still be honoured by a warm
 * Lambda: 10 s. The price is one GetItem per 10 s per warm instance (about $0.03 a month each).
 */
export const CONFIG_TTL_MS = 10_000;
/**
 * The webhook keys are read again every 5 minutes: a rotation keeps the previous key active for
 * longer than that (admin set-webhook-key, docs/webhooks.md), so no webhook is ever signed only
 * with a key the merchant no longer has.
 */
export const WEBHOOK_KEY_TTL_MS = 5 * 60_000;

/**
 * The merchant configuration item (pk CONFIG) and the webhook key secret. Every authenticated
 * request needs the configuration, so a Lambda keeps what it read for CONFIG_TTL_MS: one GetItem
 * per 10 s per warm instance instead of one per request, at the price that a change (a revoked
 * API key, a disabled user) reaches warm instances up to 10 s later.
 */
export class DynamoConfigStore implements ConfigStore {
  private readonly configCache: TtlCache<MerchantConfig>;
  private readonly clock: Clock;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: DynamoConfigStoreOptions = {},
  ) {
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    this.configCache = new TtlCache(options.configTtlMs ?? CONFIG_TTL_MS, clock);
  }

  load(): Promise<MerchantConfig> {
    return this.configCache.get(async () => {
      const stored = await this.read(false);
      if (!stored) throw new Error(`No merchant configuration in table ${this.table}: run CHECKOUT_BOOTSTRAP=1 or npm run admin.`);
      return stored.config;
    });
  }

  async webhookKeys(): Promise<string[]> {
    return activeWebhookKeys(parseWebhookSecret(await this.secretText()), this.clock.now());
  }

  async webhookKey(): Promise<string> {
    return (await this.webhookKeys())[0]!;
  }

  private secretText(): Promise<string> {
    const { webhookSecret } = this.options;
    if (!webhookSecret) return Promise.reject(new Error('CHECKOUT_WEBHOOK_SECRET_ID is not set: no webhook key to sign with.'));
    return webhookSecret.value();
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
  async save(config: MerchantConfig, expected: number | undefined, audit?: AuditEntry): Promise<number> {
    const version = (expected ?? 0) + 1;
    const condition =
      expected === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expected } };
    const put = { TableName: this.table, Item: { ...CONFIG_KEY, version, document: JSON.stringify(config) }, ...condition };
    try {
      if (!audit) await dynamoCall(() => this.client.send(new PutCommand(put)));
      // The change and its audit entry commit together or not at all.
      else await dynamoCall(() => this.client.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, { Put: auditPut(this.table, audit, this.retentionDays()) }] })));
    } catch (error) {
      const cancelled = error instanceof Error && error.name === 'TransactionCanceledException' && (error as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
      if (cancelled || (error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw new VersionConflictError('CONFIG');
      throw error;
    }
    this.configCache.clear();
    return version;
  }

  async rehashPassword(username: string, from: string, to: string, audit: AuditEntry): Promise<void> {
    const stored = await this.read();
    const user = stored?.config.users.find((candidate) => candidate.username === username);
    if (!stored || user?.password_hash !== from) return;
    const users = stored.config.users.map((candidate) => (candidate === user ? { ...candidate, password_hash: to } : candidate));
    try {
      await this.save({ ...stored.config, users }, stored.version, audit);
    } catch (error) {
      // Someone changed the configuration meanwhile: the next login tries again.
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }

  private retentionDays(): number {
    const days = this.options.auditRetentionDays;
    if (days === undefined) throw new Error('CHECKOUT_AUDIT_RETENTION_DAYS is not set: no retention for the audit entry.');
    return days;
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

/** The merchant configuration, read-only (gateways, currencies): the public checkout pages. */
export function dynamoConfigReader() {
  uses({ table: ['GetItem'], readOnlyKeys: ['config'] });
  return new DynamoConfigStore(dynamoDocumentClient(), setting('CHECKOUT_TABLE'));
}

/**
 * The configuration for the functions that authenticate: read, and written back only to store a
 * password's stronger hash with its audit entry (PutItem on CONFIG and AUDIT# items).
 */
export function dynamoConfig() {
  uses({ table: ['GetItem', 'PutItem'], keys: ['config', 'audit'] });
  return new DynamoConfigStore(dynamoDocumentClient(), setting('CHECKOUT_TABLE'), { auditRetentionDays: setting('CHECKOUT_AUDIT_RETENTION_DAYS') });
}

/** The configuration and the webhook HMAC keys: for the functions that authenticate and sign (operations, inquiry). */
export function dynamoConfigWithWebhookKey() {
  uses({ table: ['GetItem', 'PutItem'], keys: ['config', 'audit'], webhookKey: true });
  return new DynamoConfigStore(dynamoDocumentClient(), setting('CHECKOUT_TABLE'), {
    webhookSecret: webhookSecret(),
    auditRetentionDays: setting('CHECKOUT_AUDIT_RETENTION_DAYS'),
  });
}

/** The webhook HMAC keys and the configuration, read-only: the webhook worker. */
export function dynamoWebhookSigner() {
  uses({ table: ['GetItem'], readOnlyKeys: ['config'], webhookKey: true });
  return new DynamoConfigStore(dynamoDocumentClient(), setting('CHECKOUT_TABLE'), { webhookSecret: webhookSecret() });
}

function webhookSecret(): SecretSource {
  return new SecretsManagerSecret(secretsManagerClient(), setting('CHECKOUT_WEBHOOK_SECRET_ID'), WEBHOOK_KEY_TTL_MS);
}
