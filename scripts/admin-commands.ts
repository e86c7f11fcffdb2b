import { redriveWebhooks } from './redrive-webhooks';
import { CreateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { dynamoDocumentClient, secretsManagerClient } from '../functions/adapters/aws/aws-clients';
import { DynamoConfigStore } from '../functions/adapters/aws/dynamo-config-store';
import { addApiKey, addCurrency, addGateway, addUser, EMPTY_CONFIG, publicConfig, setExpireTransactions, setPluginDefaults, setWebhookOpenEvents } from '../functions/app/edit-merchant-config';
import type { MerchantConfig } from '../functions/domain/config';
import { ValidationError, VersionConflictError } from '../functions/domain/errors';

export const USAGE = `Usage: npm run admin -- <command> [options]   (against --table or CHECKOUT_TABLE)

  add-gateway --code <code> --name <name> --operation purchase|authorize --currencies KWD,USD
              [--pg "Ottu PG"] [--production] [--fee-percent 0] [--icon <url>] [--attempt-limit 3] [--replace]
  add-currency <ISO 4217 code>
  create-api-key --label <label>                 prints the key once; only its hash is stored
  create-user --username <name> [--password <pw>] --permission payment_request=add,change,view
              [--permission e_commerce=view] [--pg-codes code1,code2]
              [--operations refund,capture,void,cancel,expire,delete]
                                                 operations the user may perform on /b/pbl/v2/operation/ (none without)
                                                 without --password one is generated and printed once
  set-webhook-key [--key <key>] [--secret-id <id>]
                                                 writes the Secrets Manager secret (CHECKOUT_WEBHOOK_SECRET_ID);
                                                 without --key one is generated and printed once
  set-expire-transactions on|off
  set-plugin-defaults --plugin payment_request|e_commerce [--webhook-url <url>] [--redirect-url <url>]
                                                 the URLs a session of that plugin gets when written without one
                                                 (an empty value removes the default)
  set-webhook-events created,pending|none        which events before a payment attempt also send the
                                                 webhook (Ottu sends none for them by default)
  redrive-webhooks                               sends the webhook DLQ's messages again (CHECKOUT_WEBHOOK_QUEUE_URL)
  show-config                                    the configuration without password or key hashes
`;

export interface AdminIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

type Options = NonNullable<ParseArgsConfig['options']>;
const COMMON: Options = { table: { type: 'string' }, help: { type: 'boolean', short: 'h' } };

/** Runs one admin command; returns the process exit code (0 done, 1 failed, 2 bad usage). */
export async function runAdmin(argv: string[], io: AdminIo): Promise<number> {
  const [command = '', ...rest] = argv;
  const handler = COMMANDS[command];
  if (['help', '--help', '-h'].includes(command)) {
    io.out(USAGE);
    return 0;
  }
  if (!handler) {
    io.err(`${command ? `Unknown command "${command}".` : 'No command given.'}\n\n${USAGE}`);
    return 2;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...COMMON, ...handler.options }, allowPositionals: handler.positionals > 0, strict: true });
    if (parsed.positionals.length !== handler.positionals) throw new Error(`${command} takes ${handler.positionals || 'no'} argument(s).`);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(USAGE);
    return 0;
  }
  const table = String(parsed.values.table ?? io.env.CHECKOUT_TABLE ?? '');
  try {
    await handler.run({ values: parsed.values, positionals: parsed.positionals, table, io });
    return 0;
  } catch (error) {
    if (error instanceof ValidationError) {
      for (const [field, messages] of Object.entries(error.fields)) io.err(`${field}: ${[messages].flat().join(' ')}`);
      return 2;
    }
    io.err(`${command} failed: ${(error as Error).message}`);
    return 1;
  }
}

type Values = ReturnType<typeof parseArgs>['values'];
interface Context {
  values: Values;
  positionals: string[];
  table: string;
  io: AdminIo;
}
interface Command {
  options: Options;
  positionals: number;
  run(context: Context): Promise<void>;
}

const text = (values: Values, name: string, fallback?: string): string => {
  const value = values[name];
  if (typeof value === 'string') return value;
  if (fallback !== undefined) return fallback;
  throw new ValidationError({ [name]: [`--${name} is required.`] });
};
const list = (value: string): string[] => value.split(',').map((part) => part.trim()).filter(Boolean);

/**
 * Reads the configuration, applies `edit` and writes it back conditional on the version read;
 * another admin's concurrent write makes it read and apply again instead of overwriting.
 */
async function editConfig(table: string, edit: (config: MerchantConfig) => Promise<MerchantConfig> | MerchantConfig): Promise<void> {
  if (!table) throw new ValidationError({ table: ['Give --table or set CHECKOUT_TABLE.'] });
  const store = new DynamoConfigStore(dynamoDocumentClient(), table);
  for (let attempt = 1; ; attempt++) {
    const stored = await store.read();
    const next = await edit(stored?.config ?? EMPTY_CONFIG);
    try {
      await store.save(next, stored?.version);
      return;
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= 3) throw error;
    }
  }
}

const COMMANDS: Record<string, Command> = {
  'add-gateway': {
    positionals: 0,
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
    async run({ values, table, io }) {
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
      await editConfig(table, (config) => addGateway(config, input, Boolean(values.replace)));
      io.out(`Gateway ${input.code} saved.`);
    },
  },
  'add-currency': {
    positionals: 1,
    options: {},
    async run({ positionals, table, io }) {
      await editConfig(table, (config) => addCurrency(config, positionals[0]!));
      io.out(`Currency ${positionals[0]!.toUpperCase()} enabled.`);
    },
  },
  'create-api-key': {
    positionals: 0,
    options: { label: { type: 'string' } },
    async run({ values, table, io }) {
      let key = '';
      await editConfig(table, (config) => {
        const added = addApiKey(config, text(values, 'label'));
        key = added.key;
        return added.config;
      });
      io.out(`API key (shown once, store it now): ${key}`);
    },
  },
  'create-user': {
    positionals: 0,
    options: { username: { type: 'string' }, password: { type: 'string' }, permission: { type: 'string', multiple: true }, 'pg-codes': { type: 'string' }, operations: { type: 'string' } },
    async run({ values, table, io }) {
      const generated = typeof values.password === 'string' ? undefined : randomBytes(15).toString('base64url');
      const input = {
        username: text(values, 'username'),
        password: generated ?? text(values, 'password'),
        permissions: (values.permission as string[] | undefined) ?? [],
        pg_codes: list(text(values, 'pg-codes', '')),
        operations: list(text(values, 'operations', '')),
      };
      await editConfig(table, (config) => addUser(config, input));
      io.out(generated ? `User ${input.username} created. Password (shown once): ${generated}` : `User ${input.username} created.`);
    },
  },
  'set-webhook-key': {
    positionals: 0,
    options: { key: { type: 'string' }, 'secret-id': { type: 'string' } },
    async run({ values, io }) {
      const secretId = text(values, 'secret-id', io.env.CHECKOUT_WEBHOOK_SECRET_ID ?? '');
      if (!secretId) throw new ValidationError({ 'secret-id': ['Give --secret-id or set CHECKOUT_WEBHOOK_SECRET_ID.'] });
      const generated = typeof values.key === 'string' ? undefined : randomBytes(32).toString('hex');
      const key = generated ?? text(values, 'key');
      if (key.length < 32) throw new ValidationError({ key: ['Use at least 32 characters: it is an HMAC-SHA256 key.'] });
      await writeSecret(secretId, key);
      io.out(generated ? `Webhook key written to ${secretId} (shown once): ${generated}` : `Webhook key written to ${secretId}.`);
    },
  },
  'set-expire-transactions': {
    positionals: 1,
    options: {},
    async run({ positionals, table, io }) {
      const value = positionals[0];
      if (value !== 'on' && value !== 'off') throw new ValidationError({ value: ['Use on or off.'] });
      await editConfig(table, (config) => setExpireTransactions(config, value === 'on'));
      io.out(`Expire payment transactions: ${value}.`);
    },
  },
  'set-plugin-defaults': {
    positionals: 0,
    options: { plugin: { type: 'string' }, 'webhook-url': { type: 'string' }, 'redirect-url': { type: 'string' } },
    async run({ values, table, io }) {
      const plugin = text(values, 'plugin');
      const urls = { webhook_url: values['webhook-url'] as string | undefined, redirect_url: values['redirect-url'] as string | undefined };
      await editConfig(table, (config) => setPluginDefaults(config, plugin, urls));
      io.out(`Defaults of ${plugin} saved.`);
    },
  },
  'set-webhook-events': {
    positionals: 1,
    options: {},
    async run({ positionals, table, io }) {
      const value = positionals[0]!;
      const events = value === 'none' ? [] : list(value);
      await editConfig(table, (config) => setWebhookOpenEvents(config, events));
      io.out(`Webhooks before a payment attempt: ${events.length > 0 ? events.join(', ') : 'none'}.`);
    },
  },
  'redrive-webhooks': {
    positionals: 0,
    options: {},
    async run({ io }) {
      const count = await redriveWebhooks(io.env);
      io.out(`Redrove ${count} webhook message(s) from the dead-letter queue.`);
    },
  },
  'show-config': {
    positionals: 0,
    options: {},
    async run({ table, io }) {
      if (!table) throw new ValidationError({ table: ['Give --table or set CHECKOUT_TABLE.'] });
      const stored = await new DynamoConfigStore(dynamoDocumentClient(), table).read();
      if (!stored) throw new Error(`no configuration in table ${table}`);
      io.out(JSON.stringify({ version: stored.version, ...publicConfig(stored.config) }, null, 2));
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
