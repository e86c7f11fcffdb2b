import { randomBytes } from 'node:crypto';
import { dynamoDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoAuditLog } from '../../functions/adapters/aws/dynamo-audit-log';
import { DynamoAuthAttempts } from '../../functions/adapters/aws/dynamo-auth-attempts';
import { DynamoConfigStore } from '../../functions/adapters/aws/dynamo-config-store';
import { DynamoSessionRepository } from '../../functions/adapters/aws/dynamo-session-repository';
import { addApiKey, apiKeyListing, resetPassword, revokeApiKey, rotateApiKey, setUserActive, userListing, type ApiKeyInput } from '../../functions/app/edit-merchant-config';
import type { MerchantConfig } from '../../functions/domain/config';
import { ValidationError } from '../../functions/domain/errors';
import type { Command, Context, Values } from './cli';
import { editConfig, text } from './config-commands';

/**
 * Credentials and the audit trail (docs/security.md): API keys listed, added with a name, scope
 * and expiry, revoked, rotated with an overlap; Basic users listed, disabled, enabled, their
 * passwords reset; the audit trail listed. A change reaches every Lambda within the
 * configuration cache's 10 s. Every change is recorded in the audit trail with the operator.
 */

const list = (value: string): string[] => value.split(',').map((part) => part.trim()).filter(Boolean);

function isoTime(values: Values, name: string): Date | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const date = new Date(String(value));
  if (typeof value !== 'string' || Number.isNaN(date.getTime()) || !/^\d{4}-\d\d-\d\d/.test(value)) throw new ValidationError({ [name]: ['An ISO 8601 time, e.g. 2027-06-30T00:00:00Z.'] });
  return date;
}

async function readConfig(context: Context): Promise<MerchantConfig> {
  const table = await context.target.table();
  const stored = await new DynamoConfigStore(dynamoDocumentClient(), table).read();
  if (!stored) throw new Error(`no configuration in table ${table}`);
  return stored.config;
}

const SCOPE_OPTIONS = { permission: { type: 'string', multiple: true }, 'pg-codes': { type: 'string' }, operations: { type: 'string' } } as const;

export const CREDENTIAL_COMMANDS: Record<string, Command> = {
  'keys-list': {
    usage: 'keys-list                                      API keys: name, prefix, state, scope, created, last used, expiry (never the key or its hash)',
    positionals: 0,
    changes: false,
    options: {},
    async run(context) {
      const config = await readConfig(context);
      const uses = await new DynamoAuthAttempts(dynamoDocumentClient(), await context.target.table()).lastUses(config.api_keys.map((key) => key.prefix));
      const keys = config.api_keys.map((key) => apiKeyListing(key, uses.get(key.prefix), new Date()));
      const lines = keys.map((k) => `${k.prefix}  ${k.name}  ${k.state}  scope=${typeof k.scope === 'string' ? k.scope : JSON.stringify(k.scope)}  created=${k.created_at ?? '-'}  last_used=${k.last_used ?? '-'}  expires=${k.expires_at ?? '-'}`);
      return { data: { keys }, text: lines.join('\n') || 'No API keys.' };
    },
  },
  'keys-add': {
    usage: `keys-add --name <name> [--expires <ISO time>] [--permission payment_request=add,view …] [--pg-codes a,b] [--operations refund,…]
                                                 prints the key once; with any scope option the key may do only that (as a Basic user)`,
    positionals: 0,
    changes: true,
    options: { name: { type: 'string' }, expires: { type: 'string' }, ...SCOPE_OPTIONS },
    async run(context) {
      const { values } = context;
      const scoped = values.permission !== undefined || values['pg-codes'] !== undefined || values.operations !== undefined;
      const input: ApiKeyInput = {
        label: text(values, 'name'),
        expiresAt: isoTime(values, 'expires'),
        ...(scoped && { scope: { permissions: (values.permission as string[] | undefined) ?? [], pg_codes: list(text(values, 'pg-codes', '')), operations: list(text(values, 'operations', '')) } }),
      };
      let key = '';
      const version = await editConfig(context, { action: 'credentials.key-add', details: () => ({ name: input.label, prefix: key.split('.')[0]!, expires_at: input.expiresAt?.toISOString() ?? null, scoped }) }, (config) => {
        const added = addApiKey(config, input);
        key = added.key;
        return added.config;
      });
      return { data: { api_key: key, prefix: key.split('.')[0], name: input.label, config_version: version }, text: `API key ${input.label} (shown once, store it now): ${key}` };
    },
  },
  'keys-revoke': {
    usage: 'keys-revoke <prefix|name>                      refused by every function within 10 s',
    positionals: 1,
    changes: true,
    options: {},
    async run(context) {
      const ref = context.positionals[0]!;
      let prefix = '';
      const version = await editConfig(context, { action: 'credentials.key-revoke', details: () => ({ prefix }) }, (config) => {
        const revoked = revokeApiKey(config, ref, new Date());
        prefix = revoked.record.prefix;
        return revoked.config;
      });
      return { data: { prefix, revoked: true, config_version: version }, text: `API key ${prefix} revoked; refused everywhere within 10 s.` };
    },
  },
  'keys-rotate': {
    usage: `keys-rotate <prefix|name> [--overlap-hours 24]
                                                 a new key with the same name and scope; the old one works until the overlap ends`,
    positionals: 1,
    changes: true,
    options: { 'overlap-hours': { type: 'string' } },
    async run(context) {
      const hours = text(context.values, 'overlap-hours', '24');
      if (!/^\d{1,4}$/.test(hours) || Number(hours) < 1) throw new ValidationError({ 'overlap-hours': ['A whole number of hours, at least 1 (revoke instead to stop a key at once).'] });
      const until = new Date(Date.now() + Number(hours) * 3_600_000);
      let rotated: ReturnType<typeof rotateApiKey> | undefined;
      const version = await editConfig(context, { action: 'credentials.key-rotate', details: () => ({ prefix: rotated!.previous.prefix, new_prefix: rotated!.record.prefix, old_expires_at: rotated!.previous.expires_at ?? null }) }, (config) => {
        rotated = rotateApiKey(config, context.positionals[0]!, until, new Date());
        return rotated.config;
      });
      const { key, record, previous } = rotated!;
      return {
        data: { api_key: key, prefix: record.prefix, name: record.label, previous_prefix: previous.prefix, previous_expires_at: previous.expires_at, config_version: version },
        text: `New key for ${record.label} (shown once, store it now): ${key}\nThe old key ${previous.prefix} works until ${previous.expires_at}.`,
      };
    },
  },
  'users-list': {
    usage: 'users-list                                     Basic users: name, active, permissions, pg codes, operations (never the hash)',
    positionals: 0,
    changes: false,
    options: {},
    async run(context) {
      const users = (await readConfig(context)).users.map(userListing);
      return { data: { users }, text: users.map((u) => `${u.username}  ${u.active ? 'active' : 'disabled'}  ${JSON.stringify(u.permissions)}  pg_codes=${u.pg_codes.join(',') || '-'}  operations=${(u.operations ?? []).join(',') || '-'}`).join('\n') || 'No users.' };
    },
  },
  'users-disable': userSwitch(false),
  'users-enable': userSwitch(true),
  'users-reset-password': {
    usage: `users-reset-password <username> [--password-stdin | --password-file <path>]
                                                 without a password one is generated and printed once`,
    positionals: 1,
    changes: true,
    secrets: ['password'],
    options: {},
    async run(context) {
      const username = context.positionals[0]!;
      const given = await context.secret('password');
      const generated = given === undefined ? randomBytes(15).toString('base64url') : undefined;
      const version = await editConfig(context, { action: 'credentials.user-reset-password', details: () => ({ username }) }, (config) => resetPassword(config, username, given ?? generated!));
      return {
        data: { username, ...(generated ? { password: generated } : {}), config_version: version },
        text: generated ? `Password of ${username} reset. New password (shown once): ${generated}` : `Password of ${username} reset.`,
      };
    },
  },
  audit: {
    usage: `audit [--session <session_id>] [--since <ISO time>] [--until <ISO time>]
                                                 the audit trail: who did which operation or configuration change, when, from where
                                                 (since: the session's creation with --session, else 7 days ago)`,
    positionals: 0,
    changes: false,
    options: { session: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' } },
    async run(context) {
      const { values } = context;
      const table = await context.target.table();
      const sessionId = typeof values.session === 'string' ? values.session : undefined;
      let since = isoTime(values, 'since');
      if (!since && sessionId) {
        const session = await new DynamoSessionRepository(dynamoDocumentClient(), table).get(sessionId);
        if (!session) throw new ValidationError({ session: [`No session ${sessionId}; give --since to search deleted ones.`] });
        since = new Date(session.created_at);
      }
      since ??= new Date(Date.now() - 7 * 86_400_000);
      const until = isoTime(values, 'until') ?? new Date();
      const entries = await new DynamoAuditLog(dynamoDocumentClient(), table).list({ since, until, sessionId });
      const lines = entries.map((e) => `${e.at}  ${e.action}  ${e.actor.kind}:${e.actor.name}  from ${e.address}  request ${e.request_id}${e.session_id ? `  session ${e.session_id}` : ''}${e.details ? `  ${JSON.stringify(e.details)}` : ''}`);
      return { data: { since: since.toISOString(), until: until.toISOString(), entries }, text: lines.join('\n') || 'No audit entries in that span.' };
    },
  },
};

function userSwitch(active: boolean): Command {
  return {
    usage: `users-${active ? 'enable' : 'disable'} <username>${active ? '                        ' : '                       refused (401) by every function within 10 s'}`,
    positionals: 1,
    changes: true,
    options: {},
    async run(context) {
      const username = context.positionals[0]!;
      const version = await editConfig(context, { action: `credentials.user-${active ? 'enable' : 'disable'}`, details: () => ({ username }) }, (config) => setUserActive(config, username, active));
      return { data: { username, active, config_version: version }, text: `User ${username} ${active ? 'enabled' : 'disabled'}.` };
    },
  };
}

