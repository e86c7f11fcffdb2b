import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { auditPut } from '../../functions/adapters/aws/dynamo-audit-log';
import { MIN_WEBHOOK_KEY_LENGTH, parseWebhookSecret, rotateWebhookSecret, webhookSecretText } from '../../functions/domain/webhook-keys';
import { randomBytes } from 'node:crypto';
import { dynamoDocumentClient, secretsManagerClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoConfigStore } from '../../functions/adapters/aws/dynamo-config-store';
import { addApiKey, addCurrency, addGateway, addUser, EMPTY_CONFIG, type GatewayInput, publicConfig, setExpireTransactions, setPluginDefaults, setWebhookOpenEvents } from '../../functions/app/edit-merchant-config';
import { MPGS_INQUIRY_WINDOW_MINUTES, mpgsSettings } from '../../functions/adapters/mpgs/mpgs-settings';
import type { MerchantConfig } from '../../functions/domain/config';
import { ValidationError, VersionConflictError } from '../../functions/domain/errors';
import type { AuditEntry } from '../../functions/domain/audit';
import type { Command, Context, Values } from './cli';
import { auditRetentionDays, operatorEntry } from './operator';

/** The merchant configuration's commands: gateways, currencies, users, API keys, the webhook key. */

export const text = (values: Values, name: string, fallback?: string): string => {
  const value = values[name];
  if (typeof value === 'string') return value;
  if (fallback !== undefined) return fallback;
  throw new ValidationError({ [name]: [`--${name} is required.`] });
};
const list = (value: string): string[] => value.split(',').map((part) => part.trim()).filter(Boolean);

/** What a configuration change records in the audit trail besides who, when and where. */
export interface ChangeRecord {
  action: string;
  details?: () => AuditEntry['details'];
}

/**
 * Reads the configuration, applies `edit` and writes it back conditional on the version read,
 * with its audit entry in the same transaction (docs/security.md); another admin's concurrent
 * write makes it read and apply again instead of overwriting. Returns the version written.
 */
export async function editConfig(context: Context, change: ChangeRecord, edit: (config: MerchantConfig) => Promise<MerchantConfig> | MerchantConfig): Promise<number> {
  const table = await context.target.table();
  const store = new DynamoConfigStore(dynamoDocumentClient(), table, { auditRetentionDays: await auditRetentionDays(context) });
  for (let attempt = 1; ; attempt++) {
    const stored = await store.read();
    const next = await edit(stored?.config ?? EMPTY_CONFIG);
    try {
      await store.save(next, stored?.version, operatorEntry(context, change.action, change.details?.()));
      return (stored?.version ?? 0) + 1;
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= 3) throw error;
    }
  }
}

const MPGS_SECRETS = ['api-password', 'notification-secret'] as const;
const MPGS_OPTIONS = { host: { type: 'string' }, 'merchant-id': { type: 'string' }, 'inquiry-window': { type: 'string' } } as const;

export const CONFIG_COMMANDS: Record<string, Command> = {
  'add-gateway': {
    usage: `add-gateway --code <code> --name <name> --operation purchase|authorize --currencies KWD,USD
              [--pg "Ottu PG"|mpgs] [--production] [--allow-sandbox] [--fee-percent 0] [--icon <url>] [--attempt-limit 3] [--replace]
              MPGS (--pg mpgs): --host https://ap-gateway.mastercard.com --merchant-id <id> [--inquiry-window 11]
              (--api-password-stdin | --api-password-file <path>) (--notification-secret-stdin | --notification-secret-file <path>)
                                                 without --production the gateway is a test one (is_sandbox), which a prod
                                                 stage refuses unless --allow-sandbox; MPGS's secrets go to Secrets Manager
                                                 (checkout/<stage>/gateways/<code>), the rest to the configuration`,
    positionals: 0,
    changes: true,
    secrets: MPGS_SECRETS,
    options: {
      code: { type: 'string' },
      name: { type: 'string' },
      operation: { type: 'string' },
      currencies: { type: 'string' },
      pg: { type: 'string' },
      production: { type: 'boolean' },
      'allow-sandbox': { type: 'boolean' },
      'fee-percent': { type: 'string' },
      icon: { type: 'string' },
      'attempt-limit': { type: 'string' },
      replace: { type: 'boolean' },
      ...MPGS_OPTIONS,
    },
    async run(context) {
      const { values } = context;
      const attempts = text(values, 'attempt-limit', '3');
      const pg = text(values, 'pg', 'Ottu PG');
      const input: GatewayInput = {
        code: text(values, 'code'),
        name: text(values, 'name'),
        operation: text(values, 'operation'),
        currencies: list(text(values, 'currencies')),
        pg,
        sandbox: !values.production,
        fee_percent: text(values, 'fee-percent', '0'),
        icon: text(values, 'icon', '/static/pg-icons/card.svg'),
        attempt_limit: /^\d+$/.test(attempts) ? Number(attempts) : NaN,
      };
      const stage = await context.target.stageName();
      if (stage === 'prod' && input.sandbox && !values['allow-sandbox']) {
        throw new ValidationError({ production: [`The prod stage takes real gateways: give --production, or --allow-sandbox to add the test gateway ${input.code} on purpose.`] });
      }
      const mpgs = pg === 'mpgs' ? await mpgsGatewayInput(context, input, stage) : refuseMpgsOptions(values);
      const details = () => ({ code: input.code, pg, is_sandbox: input.sandbox, ...(mpgs ? { secret_id: mpgs.secretId } : {}) });
      const version = await editConfig(context, { action: 'config.add-gateway', details }, async (config) => {
        const next = addGateway(config, { ...input, ...mpgs?.setting }, Boolean(values.replace));
        // The secret before the setting that needs it: a stored setting always finds its secret.
        if (mpgs) await storeSecret(mpgs.secretId, JSON.stringify(mpgs.secrets));
        return next;
      });
      const stored = mpgs ? ` Its secrets are in ${mpgs.secretId}.` : '';
      return { data: { gateway: input.code, pg, is_sandbox: input.sandbox, ...(mpgs ? { secret_id: mpgs.secretId } : {}), config_version: version }, text: `Gateway ${input.code} saved.${stored}` };
    },
  },
  'add-currency': {
    usage: 'add-currency <ISO 4217 code>',
    positionals: 1,
    changes: true,
    options: {},
    async run(context) {
      const { positionals } = context;
      const version = await editConfig(context, { action: 'config.add-currency', details: () => ({ currency: positionals[0]!.toUpperCase() }) }, (config) => addCurrency(config, positionals[0]!));
      const code = positionals[0]!.toUpperCase();
      return { data: { currency: code, config_version: version }, text: `Currency ${code} enabled.` };
    },
  },
  'create-api-key': {
    usage: 'create-api-key --label <label>                 prints the key once; only its hash is stored',
    positionals: 0,
    changes: true,
    options: { label: { type: 'string' } },
    async run(context) {
      const { values } = context;
      let key = '';
      const version = await editConfig(context, { action: 'config.create-api-key', details: () => ({ name: text(values, 'label'), prefix: key.split('.')[0]! }) }, (config) => {
        const added = addApiKey(config, text(values, 'label'));
        key = added.key;
        return added.config;
      });
      return { data: { api_key: key, prefix: key.split('.')[0], config_version: version }, text: `API key (shown once, store it now): ${key}` };
    },
  },
  'create-user': {
    usage: `create-user --username <name> [--password-stdin | --password-file <path>]
              --permission payment_request=add,change,view [--permission e_commerce=view] [--pg-codes code1,code2]
              [--operations refund,capture,void,cancel,expire,delete]
                                                 operations the user may perform on /b/pbl/v2/operation/ (none without)
                                                 without a password one is generated and printed once`,
    positionals: 0,
    changes: true,
    secrets: ['password'],
    options: { username: { type: 'string' }, permission: { type: 'string', multiple: true }, 'pg-codes': { type: 'string' }, operations: { type: 'string' } },
    async run(context) {
      const { values, secret } = context;
      const given = await secret('password');
      const generated = given === undefined ? randomBytes(15).toString('base64url') : undefined;
      const input = {
        username: text(values, 'username'),
        password: given ?? generated!,
        permissions: (values.permission as string[] | undefined) ?? [],
        pg_codes: list(text(values, 'pg-codes', '')),
        operations: list(text(values, 'operations', '')),
      };
      const version = await editConfig(context, { action: 'config.create-user', details: () => ({ username: input.username }) }, (config) => addUser(config, input));
      return {
        data: { username: input.username, ...(generated ? { password: generated } : {}), config_version: version },
        text: generated ? `User ${input.username} created. Password (shown once): ${generated}` : `User ${input.username} created.`,
      };
    },
  },
  'set-webhook-key': {
    usage: `set-webhook-key [--key-stdin | --key-file <path>] [--secret-id <id>] [--overlap-hours 24] [--create]
                                                 rotates the webhook key in the Secrets Manager secret (the stage's, or
                                                 CHECKOUT_WEBHOOK_SECRET_ID): the old key keeps signing until the overlap ends
                                                 (0: replaced at once); an unknown secret id is refused unless --create;
                                                 without a key one is generated and printed once`,
    positionals: 0,
    changes: true,
    secrets: ['key'],
    options: { 'secret-id': { type: 'string' }, 'overlap-hours': { type: 'string' }, create: { type: 'boolean' } },
    async run(context) {
      const { values, target, secret } = context;
      const secretId = typeof values['secret-id'] === 'string' ? values['secret-id'] : await target.webhookSecretId();
      const hours = text(values, 'overlap-hours', '24');
      if (!/^\d{1,4}$/.test(hours)) throw new ValidationError({ 'overlap-hours': ['A whole number of hours (0 replaces the key at once).'] });
      const given = await secret('key');
      const generated = given === undefined ? randomBytes(32).toString('hex') : undefined;
      const key = given ?? generated!;
      if (key.length < MIN_WEBHOOK_KEY_LENGTH) throw new ValidationError({ key: [`Use at least ${MIN_WEBHOOK_KEY_LENGTH} characters: it is an HMAC-SHA256 key.`] });
      const stored = await readSecret(secretId);
      if (stored === undefined && !values.create) {
        throw new ValidationError({ 'secret-id': [`No secret ${secretId}: check the id (the stage's is WebhookSecretId in the Data stack's outputs), or give --create to make it.`] });
      }
      const overlapUntil = Number(hours) > 0 ? new Date(Date.now() + Number(hours) * 3_600_000) : undefined;
      const next = rotateWebhookSecret(stored === undefined ? undefined : parseWebhookSecret(stored), key, overlapUntil);
      await writeSecret(secretId, webhookSecretText(next), stored === undefined);
      await appendAudit(context, operatorEntry(context, 'config.set-webhook-key', { secret_id: secretId, overlap_until: next.previous_until ?? null, created: stored === undefined }));
      const overlap = next.previous_until ? ` The previous key keeps signing until ${next.previous_until}.` : '';
      return {
        data: { secret_id: secretId, previous_until: next.previous_until ?? null, ...(generated ? { key: generated } : {}) },
        text: generated ? `Webhook key written to ${secretId} (shown once): ${generated}.${overlap}` : `Webhook key written to ${secretId}.${overlap}`,
      };
    },
  },
  'set-expire-transactions': {
    usage: 'set-expire-transactions on|off',
    positionals: 1,
    changes: true,
    options: {},
    async run(context) {
      const { positionals } = context;
      const value = positionals[0];
      if (value !== 'on' && value !== 'off') throw new ValidationError({ value: ['Use on or off.'] });
      const version = await editConfig(context, { action: 'config.set-expire-transactions', details: () => ({ on: value === 'on' }) }, (config) => setExpireTransactions(config, value === 'on'));
      return { data: { expire_transactions: value === 'on', config_version: version }, text: `Expire payment transactions: ${value}.` };
    },
  },
  'set-plugin-defaults': {
    usage: `set-plugin-defaults --plugin payment_request|e_commerce [--webhook-url <url>] [--redirect-url <url>]
                                                 the URLs a session of that plugin gets when written without one
                                                 (an empty value removes the default)`,
    positionals: 0,
    changes: true,
    options: { plugin: { type: 'string' }, 'webhook-url': { type: 'string' }, 'redirect-url': { type: 'string' } },
    async run(context) {
      const { values } = context;
      const plugin = text(values, 'plugin');
      const urls = { webhook_url: values['webhook-url'] as string | undefined, redirect_url: values['redirect-url'] as string | undefined };
      const version = await editConfig(context, { action: 'config.set-plugin-defaults', details: () => ({ plugin }) }, (config) => setPluginDefaults(config, plugin, urls));
      return { data: { plugin, ...urls, config_version: version }, text: `Defaults of ${plugin} saved.` };
    },
  },
  'set-webhook-events': {
    usage: `set-webhook-events created,pending|none        which events before a payment attempt also send the
                                                 webhook (Ottu sends none for them by default)`,
    positionals: 1,
    changes: true,
    options: {},
    async run(context) {
      const value = context.positionals[0]!;
      const events = value === 'none' ? [] : list(value);
      const version = await editConfig(context, { action: 'config.set-webhook-events', details: () => ({ events: events.join(',') }) }, (config) => setWebhookOpenEvents(config, events));
      return { data: { webhook_open_events: events, config_version: version }, text: `Webhooks before a payment attempt: ${events.length > 0 ? events.join(', ') : 'none'}.` };
    },
  },
  'show-config': {
    usage: 'show-config                                    the configuration without password or key hashes',
    positionals: 0,
    changes: false,
    options: {},
    async run({ target }) {
      const table = await target.table();
      const stored = await new DynamoConfigStore(dynamoDocumentClient(), table).read();
      if (!stored) throw new Error(`no configuration in table ${table}`);
      const shown = { version: stored.version, ...publicConfig(stored.config) };
      return { data: { config: shown }, text: JSON.stringify(shown, null, 2) };
    },
  },
};

/**
 * An MPGS gateway's connection (host, merchant id, inquiry window: the configuration) and secrets
 * (API password, notification secret: Secrets Manager, under the name the functions read),
 * checked as the connector will read them. Problems name fields, never values.
 */
async function mpgsGatewayInput(context: Context, input: GatewayInput, stage: string | undefined) {
  const { values } = context;
  if (values['api-password-stdin'] && values['notification-secret-stdin']) {
    throw new ValidationError({ 'notification-secret': ['stdin carries one secret: give the other with --notification-secret-file (or --api-password-file).'] });
  }
  const host = text(values, 'host').replace(/\/+$/, '');
  const window = text(values, 'inquiry-window', String(MPGS_INQUIRY_WINDOW_MINUTES));
  const setting = { connection: { host, merchant_id: text(values, 'merchant-id') }, inquiry_window_minutes: /^\d+$/.test(window) ? Number(window) : NaN };
  const [apiPassword, notificationSecret] = [await context.secret('api-password'), await context.secret('notification-secret')];
  const errors: Record<string, string[]> = {};
  if (apiPassword === undefined) errors['api-password'] = ['Give --api-password-stdin or --api-password-file (Merchant Administration → Integration Settings).'];
  if (notificationSecret === undefined) errors['notification-secret'] = ['Give --notification-secret-stdin or --notification-secret-file (Merchant Administration → Webhook Notifications).'];
  if (stage === 'prod' && !host.startsWith('https://')) errors.host = ['The prod stage reaches MPGS over https only.'];
  const secrets = { api_password: apiPassword ?? '', notification_secret: notificationSecret ?? '' };
  const problem = mpgsSettings({ ...input, is_sandbox: input.sandbox, operation: 'purchase', ...setting }, secrets);
  if (typeof problem === 'string' && Object.keys(errors).length === 0) errors[problem.includes('host') ? 'host' : 'merchant-id'] = [problem];
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return { setting, secrets, secretId: `${await context.target.gatewaySecretPrefix()}${input.code}` };
}

/** The MPGS options on another gateway would be dropped silently: refused instead. */
function refuseMpgsOptions(values: Values): undefined {
  const given = [...Object.keys(MPGS_OPTIONS), ...MPGS_SECRETS.flatMap((name) => [`${name}-stdin`, `${name}-file`])].filter((name) => values[name] !== undefined);
  if (given.length > 0) throw new ValidationError({ pg: [`${given.map((name) => `--${name}`).join(', ')} belong to an MPGS gateway (--pg mpgs).`] });
  return undefined;
}

/** Writes a gateway's secret, creating it the first time. */
async function storeSecret(secretId: string, value: string): Promise<void> {
  await writeSecret(secretId, value, (await readSecret(secretId)) === undefined);
}

/** The secret's value, or undefined when there is no such secret. */
async function readSecret(secretId: string): Promise<string | undefined> {
  try {
    return (await secretsManagerClient().send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function writeSecret(secretId: string, value: string, create: boolean): Promise<void> {
  const secrets = secretsManagerClient();
  if (create) await secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: value }));
  else await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
}

/** An audit entry of a change outside the configuration item (a secret): its own conditional put. */
export async function appendAudit(context: Context, entry: AuditEntry): Promise<void> {
  await dynamoDocumentClient().send(new PutCommand(auditPut(await context.target.table(), entry, await auditRetentionDays(context))));
}
