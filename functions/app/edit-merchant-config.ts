import { OPERATIONS, type OperationName } from '../domain/operations';
import { isHttpUrl } from '../domain/session-schema';
import { PLUGINS, WEBHOOK_OPEN_EVENTS, type WebhookOpenEvent, type ApiKey, type GatewaySetting, type MerchantConfig, type Plugin, type PluginPermission, type Scope, type User } from '../domain/config';
import { hashPassword, newApiKey } from '../domain/credentials';
import { isIsoCurrency } from '../domain/currencies';
import { DEFAULT_EXPIRATION } from '../domain/expiration';
import { ValidationError } from '../domain/errors';
import { MAX_INQUIRY_DELAY_SECONDS } from '../domain/inquiry';
import { parseAmount } from '../domain/money';

/**
 * The operator's edits of the merchant configuration (npm run admin). Each is a pure function
 * from one configuration to the next that refuses bad input with a ValidationError, so nothing
 * invalid is ever stored for the API to trip over.
 */

export const EMPTY_CONFIG: MerchantConfig = {
  gateways: [],
  currencies: [],
  users: [],
  api_keys: [],
  default_expiration: DEFAULT_EXPIRATION,
  expire_transactions: true,
};

const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const PERMISSIONS: readonly PluginPermission[] = ['add', 'change', 'view'];

export interface GatewayInput {
  code: string;
  name: string;
  pg: string;
  operation: string;
  currencies: string[];
  sandbox: boolean;
  fee_percent: string;
  icon: string;
  attempt_limit: number;
  /** How the connector reaches the gateway, what is not secret (MPGS: host, merchant_id). */
  connection?: Record<string, string>;
  /** Whole minutes before an unanswered attempt is asked about (MPGS: 11), at most SQS's 15. */
  inquiry_window_minutes?: number;
}

const MAX_INQUIRY_WINDOW_MINUTES = MAX_INQUIRY_DELAY_SECONDS / 60;

export function addGateway(config: MerchantConfig, input: GatewayInput, replace = false): MerchantConfig {
  const errors: Record<string, string[]> = {};
  if (!CODE.test(input.code)) errors.code = ['Use 1 to 64 letters, digits, "-" or "_".'];
  else if (!replace && config.gateways.some((g) => g.code === input.code)) errors.code = [`Gateway ${input.code} exists already (--replace to overwrite it).`];
  if (!input.name.trim() || input.name.length > 64) errors.name = ['Give a name of 1 to 64 characters.'];
  if (input.operation !== 'purchase' && input.operation !== 'authorize') errors.operation = ['Must be "purchase" or "authorize".'];
  const currencies = input.currencies.map((code) => code.trim().toUpperCase());
  const unknown = currencies.filter((code) => !isIsoCurrency(code));
  if (currencies.length === 0) errors.currencies = ['Give at least one ISO 4217 currency code.'];
  else if (unknown.length > 0) errors.currencies = [`Not ISO 4217 currency codes: ${unknown.join(', ')}.`];
  if (!validPercent(input.fee_percent)) errors.fee_percent = ['A decimal percentage from 0 to 100, such as "2.5".'];
  if (!Number.isInteger(input.attempt_limit) || input.attempt_limit < 1 || input.attempt_limit > 10) errors.attempt_limit = ['A whole number from 1 to 10.'];
  const window = input.inquiry_window_minutes;
  if (window !== undefined && (!Number.isInteger(window) || window < 1 || window > MAX_INQUIRY_WINDOW_MINUTES)) {
    errors.inquiry_window_minutes = [`A whole number of minutes from 1 to ${MAX_INQUIRY_WINDOW_MINUTES} (SQS delays a message at most that long).`];
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const gateway: GatewaySetting = {
    code: input.code,
    name: input.name.trim(),
    pg: input.pg,
    is_sandbox: input.sandbox,
    operation: input.operation as GatewaySetting['operation'],
    icon: input.icon,
    fee_percent: input.fee_percent,
    currencies: [...new Set(currencies)],
    attempt_limit: input.attempt_limit,
    ...(input.connection ? { connection: { ...input.connection } } : {}),
    ...(window !== undefined ? { inquiry_window_minutes: window } : {}),
  };
  return { ...config, gateways: [...config.gateways.filter((g) => g.code !== gateway.code), gateway] };
}

export function addCurrency(config: MerchantConfig, code: string): MerchantConfig {
  const upper = code.trim().toUpperCase();
  if (!isIsoCurrency(upper)) throw new ValidationError({ currency: [`${code} is not an ISO 4217 currency code.`] });
  return config.currencies.includes(upper) ? config : { ...config, currencies: [...config.currencies, upper] };
}

/** What a key or user may do, as the CLI takes it: `plugin=add,change,view` entries, codes, operations. */
export interface ScopeInput {
  permissions: string[];
  pg_codes: string[];
  operations?: string[];
}

export interface ApiKeyInput {
  label: string;
  /** Refused from then on; absent: until revoked. */
  expiresAt?: Date;
  /** Absent: unscoped (may do everything, as every key could before scopes). */
  scope?: ScopeInput;
}

/** A new API key: the key is returned once to be shown; only its hash is stored. */
export function addApiKey(config: MerchantConfig, input: ApiKeyInput | string, now: Date = new Date()): { config: MerchantConfig; key: string; record: ApiKey } {
  const { label, expiresAt, scope } = typeof input === 'string' ? { label: input } : input;
  const errors: Record<string, string[]> = {};
  if (!label.trim() || label.length > 64) errors.label = ['Give a label of 1 to 64 characters.'];
  if (expiresAt && !(expiresAt.getTime() > now.getTime())) errors.expires = ['Give an expiry in the future (ISO 8601, e.g. 2027-06-30T00:00:00Z).'];
  const parsedScope = scope ? parseScope(config, scope, errors) : undefined;
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const { key, prefix, key_hash } = newApiKey();
  const record: ApiKey = {
    prefix,
    key_hash,
    label: label.trim(),
    created_at: now.toISOString(),
    ...(expiresAt && { expires_at: expiresAt.toISOString() }),
    ...(parsedScope && { scope: parsedScope }),
  };
  return { config: { ...config, api_keys: [...config.api_keys, record] }, key, record };
}

/**
 * The key a CLI argument names: its prefix, or its name when exactly one key that is not revoked
 * has it (a rotation leaves two keys with one name: use the prefix then).
 */
export function findApiKey(config: MerchantConfig, ref: string): ApiKey {
  const byPrefix = config.api_keys.find((key) => key.prefix === ref);
  if (byPrefix) return byPrefix;
  const named = config.api_keys.filter((key) => key.label === ref && !key.revoked_at);
  if (named.length === 1) return named[0]!;
  throw new ValidationError({ key: [named.length === 0 ? `No API key with prefix or name "${ref}".` : `${named.length} keys are named "${ref}": give the prefix (keys list).`] });
}

/** Revoked at once: refused by every Lambda within the configuration cache's 10 s. Kept, marked, for the listing and the audit trail. */
export function revokeApiKey(config: MerchantConfig, ref: string, now: Date): { config: MerchantConfig; record: ApiKey } {
  const target = findApiKey(config, ref);
  if (target.revoked_at) throw new ValidationError({ key: [`Key ${target.prefix} was revoked at ${target.revoked_at}.`] });
  const record = { ...target, revoked_at: now.toISOString() };
  return { config: { ...config, api_keys: config.api_keys.map((key) => (key === target ? record : key)) }, record };
}

/**
 * A new key with the old one's name and scope; the old one stays valid until `overlapUntil`
 * (then expires), so clients can move to the new key without a moment of refusals.
 */
export function rotateApiKey(config: MerchantConfig, ref: string, overlapUntil: Date, now: Date): { config: MerchantConfig; key: string; record: ApiKey; previous: ApiKey } {
  const target = findApiKey(config, ref);
  if (target.revoked_at) throw new ValidationError({ key: [`Key ${target.prefix} is revoked: create a new one instead.`] });
  if (!(overlapUntil.getTime() > now.getTime())) throw new ValidationError({ overlap: ['The overlap must end in the future.'] });
  const ends = target.expires_at && Date.parse(target.expires_at) < overlapUntil.getTime() ? target.expires_at : overlapUntil.toISOString();
  const previous = { ...target, expires_at: ends };
  const { key, prefix, key_hash } = newApiKey();
  const record: ApiKey = { prefix, key_hash, label: target.label, created_at: now.toISOString(), ...(target.scope && { scope: target.scope }) };
  return { config: { ...config, api_keys: [...config.api_keys.map((k) => (k === target ? previous : k)), record] }, key, record, previous };
}

/** A listing row of a key: everything but its hash. */
export function apiKeyListing(key: ApiKey, lastUsed: string | undefined, now: Date) {
  const state = key.revoked_at ? 'revoked' : key.expires_at && Date.parse(key.expires_at) <= now.getTime() ? 'expired' : 'active';
  return {
    name: key.label,
    prefix: key.prefix,
    state,
    scope: key.scope ?? 'all',
    created_at: key.created_at ?? null,
    last_used: lastUsed ?? null,
    expires_at: key.expires_at ?? null,
    revoked_at: key.revoked_at ?? null,
  };
}

export function userListing(user: User) {
  const { password_hash: _hash, ...rest } = user;
  return rest;
}

export function setUserActive(config: MerchantConfig, username: string, active: boolean): MerchantConfig {
  if (!config.users.some((user) => user.username === username)) throw new ValidationError({ username: [`No user ${username}.`] });
  return { ...config, users: config.users.map((user) => (user.username === username ? { ...user, active } : user)) };
}

export async function resetPassword(config: MerchantConfig, username: string, password: string): Promise<MerchantConfig> {
  if (!config.users.some((user) => user.username === username)) throw new ValidationError({ username: [`No user ${username}.`] });
  if (password.length < 12) throw new ValidationError({ password: ['Use at least 12 characters.'] });
  const password_hash = await hashPassword(password);
  return { ...config, users: config.users.map((user) => (user.username === username ? { ...user, password_hash } : user)) };
}

export interface UserInput extends ScopeInput {
  username: string;
  password: string;
}

export async function addUser(config: MerchantConfig, input: UserInput): Promise<MerchantConfig> {
  const errors: Record<string, string[]> = {};
  if (!/^[\w.@+-]{1,150}$/.test(input.username)) errors.username = ['Use 1 to 150 letters, digits and @ . + - _ (as Django does).'];
  else if (config.users.some((u) => u.username === input.username)) errors.username = [`User ${input.username} exists already.`];
  if (input.password.length < 12) errors.password = ['Use at least 12 characters.'];
  const scope = parseScope(config, input, errors);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const user: User = { username: input.username, password_hash: await hashPassword(input.password), active: true, ...scope };
  return { ...config, users: [...config.users, user] };
}

/**
 * The default webhook_url and redirect_url of a plugin's sessions (Ottu's plugin configuration).
 * An absent option keeps the stored value; an empty one removes it.
 */
export function setPluginDefaults(config: MerchantConfig, plugin: string, urls: { webhook_url?: string; redirect_url?: string }): MerchantConfig {
  const errors: Record<string, string[]> = {};
  if (!PLUGINS.includes(plugin as Plugin)) errors.plugin = [`Use ${PLUGINS.join(' or ')}.`];
  for (const [field, url] of Object.entries(urls)) {
    if (url !== undefined && url !== '' && (url.length > 200 || !isHttpUrl(url))) errors[field] = ['An absolute http(s) URL of at most 200 characters (the limit of a session\'s own).'];
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const current = config.plugin_defaults?.[plugin as Plugin] ?? { webhook_url: '', redirect_url: '' };
  const next = { webhook_url: urls.webhook_url ?? current.webhook_url, redirect_url: urls.redirect_url ?? current.redirect_url };
  return { ...config, plugin_defaults: { ...config.plugin_defaults, [plugin]: next } };
}

/** Which of created and pending also send the webhook (none by default, as Ottu). */
export function setWebhookOpenEvents(config: MerchantConfig, events: string[]): MerchantConfig {
  const bad = events.filter((event) => !WEBHOOK_OPEN_EVENTS.includes(event as WebhookOpenEvent));
  if (bad.length > 0) throw new ValidationError({ events: [`Unknown events: ${bad.join(', ')} (use ${WEBHOOK_OPEN_EVENTS.join(', ')} or none).`] });
  return { ...config, webhook_open_events: [...new Set(events)] as WebhookOpenEvent[] };
}

export function setExpireTransactions(config: MerchantConfig, on: boolean): MerchantConfig {
  return { ...config, expire_transactions: on };
}

/** The configuration without any credential material (hashes included), for show-config. */
export function publicConfig(config: MerchantConfig) {
  return {
    ...config,
    users: config.users.map(({ password_hash: _hash, ...user }) => user),
    api_keys: config.api_keys.map(({ key_hash: _hash, ...key }) => key),
  };
}

/** The scope as stored, or its problems added to `errors`. */
function parseScope(config: MerchantConfig, input: ScopeInput, errors: Record<string, string[]>): Scope {
  const permissions = parsePermissions(input.permissions);
  if (typeof permissions === 'string') errors.permissions = [permissions];
  const unknownCodes = input.pg_codes.filter((code) => !config.gateways.some((g) => g.code === code));
  if (unknownCodes.length > 0) errors.pg_codes = [`Unknown gateway codes: ${unknownCodes.join(', ')} (add-gateway first).`];
  const badOperations = (input.operations ?? []).filter((operation) => !OPERATIONS.includes(operation as OperationName));
  if (badOperations.length > 0) errors.operations = [`Unknown operations: ${badOperations.join(', ')} (use ${OPERATIONS.join(', ')}).`];
  return {
    permissions: typeof permissions === 'string' ? {} : permissions,
    pg_codes: [...new Set(input.pg_codes)],
    operations: [...new Set(input.operations ?? [])] as OperationName[],
  };
}

function parsePermissions(entries: string[]): User['permissions'] | string {
  const result: User['permissions'] = {};
  for (const entry of entries) {
    const [plugin = '', list = ''] = entry.split('=');
    if (!PLUGINS.includes(plugin as Plugin)) return `Unknown plugin "${plugin}": use ${PLUGINS.join(' or ')}=add,change,view.`;
    const granted = list.split(',').map((p) => p.trim()).filter(Boolean);
    const bad = granted.filter((p) => !PERMISSIONS.includes(p as PluginPermission));
    if (granted.length === 0 || bad.length > 0) return `Permissions of ${plugin} must be among ${PERMISSIONS.join(', ')}.`;
    result[plugin as Plugin] = [...new Set(granted)] as PluginPermission[];
  }
  return result;
}

function validPercent(text: string): boolean {
  if (/^0+(\.0+)?$/.test(text)) return true;
  const parsed = parseAmount(text, 4);
  return parsed.ok && parsed.minor <= 100n * 10_000n;
}
