import { CreateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { dynamoDocumentClient, secretsManagerClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoConfigStore } from '../../functions/adapters/aws/dynamo-config-store';
import { addApiKey, addCurrency, addGateway, addUser, EMPTY_CONFIG, publicConfig, setExpireTransactions } from '../../functions/app/edit-merchant-config';
import type { MerchantConfig } from '../../functions/domain/config';
import { ValidationError, VersionConflictError } from '../../functions/domain/errors';
import type { Command, Values } from './cli';

/** The merchant configuration's commands: gateways, currencies, users, API keys, the webhook key. */

export const text = (values: Values, name: string, fallback?: string): string => {
  const value = values[name];
  if (typeof value === 'string') return value;
  if (fallback !== undefined) return fallback;
  throw new ValidationError({ [name]: [`--${name} is required.`] });
};
const list = (value: string): string[] => value.split(',').map((part) => part.trim()).filter(Boolean);

/**
 * Reads the configuration, applies `edit` and writes it back conditional on the version read;
 * another admin's concurrent write makes it read and apply again instead of overwriting.
 * Returns the version written.
 */
export async function editConfig(table: string, edit: (config: MerchantConfig) => Promise<MerchantConfig> | MerchantConfig): Promise<number> {
  const store = new DynamoConfigStore(dynamoDocumentClient(), table);
  for (let attempt = 1; ; attempt++) {
    const stored = await store.read();
    const next = await edit(stored?.config ?? EMPTY_CONFIG);
    try {
      await store.save(next, stored?.version);
      return (stored?.version ?? 0) + 1;
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= 3) throw error;
    }
  }
}

export const CONFIG_COMMANDS: Record<string, Command> = {
  'add-gateway': {
    usage: `add-gateway --code <code> --name <name> --operation purchase|authorize --currencies KWD,USD
              [--pg "Ottu PG"] [--production] [--fee-percent 0] [--icon <url>] [--attempt-limit 3] [--replace]`,
    positionals: 0,
    changes: true,
    options: {
      code: { type: 'string' },
      name: { type: 'string' },
      operation: { type: 'string' },
      currencies: { type: 'string' },
      pg: { type: 'string' },
      production: { type: 'boolean' },
      'fee-percent': { type: 'string' },
      icon: { type: 'string' },
      'attempt-limit': { type: 'string' },
      replace: { type: 'boolean' },
    },
    async run({ values, target }) {
      const attempts = text(values, 'attempt-limit', '3');
      const input = {
        code: text(values, 'code'),
        name: text(values, 'name'),
        operation: text(values, 'operation'),
        currencies: list(text(values, 'currencies')),
        pg: text(values, 'pg', 'Ottu PG'),
        sandbox: !values.production,
        fee_percent: text(values, 'fee-percent', '0'),
        icon: text(values, 'icon', '/static/pg-icons/card.svg'),
        attempt_limit: /^\d+$/.test(attempts) ? Number(attempts) : NaN,
      };
      const version = await editConfig(await target.table(), (config) => addGateway(config, input, Boolean(values.replace)));
      return { data: { gateway: input.code, config_version: version }, text: `Gateway ${input.code} saved.` };
    },
  },
  'add-currency': {
    usage: 'add-currency <ISO 4217 code>',
    positionals: 1,
    changes: true,
    options: {},
    async run({ positionals, target }) {
      const version = await editConfig(await target.table(), (config) => addCurrency(config, positionals[0]!));
      const code = positionals[0]!.toUpperCase();
      return { data: { currency: code, config_version: version }, text: `Currency ${code} enabled.` };
    },
  },
  'create-api-key': {
    usage: 'create-api-key --label <label>                 prints the key once; only its hash is stored',
    positionals: 0,
    changes: true,
    options: { label: { type: 'string' } },
    async run({ values, target }) {
      let key = '';
      const version = await editConfig(await target.table(), (config) => {
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
    async run({ values, target, secret }) {
      const given = await secret('password');
      const generated = given === undefined ? randomBytes(15).toString('base64url') : undefined;
      const input = {
        username: text(values, 'username'),
        password: given ?? generated!,
        permissions: (values.permission as string[] | undefined) ?? [],
        pg_codes: list(text(values, 'pg-codes', '')),
        operations: list(text(values, 'operations', '')),
      };
      const version = await editConfig(await target.table(), (config) => addUser(config, input));
      return {
        data: { username: input.username, ...(generated ? { password: generated } : {}), config_version: version },
        text: generated ? `User ${input.username} created. Password (shown once): ${generated}` : `User ${input.username} created.`,
      };
    },
  },
  'set-webhook-key': {
    usage: `set-webhook-key [--key-stdin | --key-file <path>] [--secret-id <id>]
                                                 writes the Secrets Manager secret (the stage's, or CHECKOUT_WEBHOOK_SECRET_ID);
                                                 without a key one is generated and printed once`,
    positionals: 0,
    changes: true,
    secrets: ['key'],
    options: { 'secret-id': { type: 'string' } },
    async run({ values, target, secret }) {
      const secretId = typeof values['secret-id'] === 'string' ? values['secret-id'] : await target.webhookSecretId();
      const given = await secret('key');
      const generated = given === undefined ? randomBytes(32).toString('hex') : undefined;
      const key = given ?? generated!;
      if (key.length < 32) throw new ValidationError({ key: ['Use at least 32 characters: it is an HMAC-SHA256 key.'] });
      await writeSecret(secretId, key);
      return {
        data: { secret_id: secretId, ...(generated ? { key: generated } : {}) },
        text: generated ? `Webhook key written to ${secretId} (shown once): ${generated}` : `Webhook key written to ${secretId}.`,
      };
    },
  },
  'set-expire-transactions': {
    usage: 'set-expire-transactions on|off',
    positionals: 1,
    changes: true,
    options: {},
    async run({ positionals, target }) {
      const value = positionals[0];
      if (value !== 'on' && value !== 'off') throw new ValidationError({ value: ['Use on or off.'] });
      const version = await editConfig(await target.table(), (config) => setExpireTransactions(config, value === 'on'));
      return { data: { expire_transactions: value === 'on', config_version: version }, text: `Expire payment transactions: ${value}.` };
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

async function writeSecret(secretId: string, value: string): Promise<void> {
  const secrets = secretsManagerClient();
  try {
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ResourceNotFoundException') throw error;
    await secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: value }));
  }
}
