import { createHash } from 'node:crypto';
import type { MerchantConfig } from '../domain/config';
import { sameHex, sha256Hex, verifyPassword } from '../domain/credentials';
import { AuthenticationError } from '../domain/errors';
import type { Principal } from '../domain/permissions';

// scrypt is deliberately slow (~50 ms); a warm Lambda remembers credentials it already verified.
// The cache key covers the stored hash too, so a changed password is never served from it.
const verified = new Map<string, true>();
const VERIFIED_MAX = 1000;
// Unknown users still cost one scrypt run, so timing does not tell which usernames exist.
const DUMMY_HASH = 'scrypt$16384$8$1$00000000000000000000000000000000$' + '0'.repeat(64);

export async function authenticate(config: MerchantConfig, authorization: string | undefined): Promise<Principal> {
  if (!authorization) throw new AuthenticationError();
  // Strictly "<scheme> <credentials>", one space, as DRF reads it. Two Authorization headers
  // arrive joined by a comma (API Gateway, the local gateway) and fail here: never pick one.
  const [scheme = '', ...rest] = authorization.trim().split(' ');
  const kind = scheme.toLowerCase() === 'basic' ? 'basic' : scheme.toLowerCase() === 'api-key' ? 'api-key' : undefined;
  if (!kind) throw new AuthenticationError('Invalid authorization header. Use "Api-Key <key>" or "Basic <credentials>".');
  if (rest.length === 0 || rest[0] === '') throw new AuthenticationError(`Invalid ${kind} header. No credentials provided.`);
  if (rest.length > 1) throw new AuthenticationError(`Invalid ${kind} header. Credentials string should not contain spaces.`);
  return kind === 'basic' ? basicPrincipal(config, rest[0]!) : apiKeyPrincipal(config, rest[0]!);
}

const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `user:password` from canonical base64 (padding included, nothing after it, the encoding a
 * client would produce), decoded as strict UTF-8; the user-id is what precedes the first colon
 * (RFC 7617: a user-id has no colon, a password may), and must not be empty. Else undefined.
 */
export function decodeBasic(encoded: string): { username: string; password: string } | undefined {
  if (encoded === '' || !CANONICAL_BASE64.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.toString('base64') !== encoded) return undefined; // non-zero padding bits
  let decoded: string;
  try {
    decoded = strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function apiKeyPrincipal(config: MerchantConfig, key: string): Principal {
  const prefix = key.split('.')[0] ?? '';
  const record = config.api_keys.find((candidate) => candidate.prefix === prefix);
  if (!record || !sameHex(record.key_hash, sha256Hex(key))) throw new AuthenticationError('Invalid API key.');
  return { kind: 'api_key', id: record.prefix, name: record.label };
}

async function basicPrincipal(config: MerchantConfig, encoded: string): Promise<Principal> {
  const credentials = decodeBasic(encoded);
  if (!credentials) throw new AuthenticationError('Invalid basic header. Credentials not correctly base64 encoded.');
  const { username, password } = credentials;
  const user = config.users.find((candidate) => candidate.username === username);
  const stored = user?.password_hash ?? DUMMY_HASH;
  const cacheKey = createHash('sha256').update(`${username}\0${password}\0${stored}`).digest('hex');
  const valid = verified.has(cacheKey) || (await verifyPassword(password, stored));
  if (!user || !valid) throw new AuthenticationError('Invalid username/password.');
  if (!user.active) throw new AuthenticationError('User inactive or deleted.');
  if (verified.size >= VERIFIED_MAX) verified.clear();
  verified.set(cacheKey, true);
  return { kind: 'user', id: user.username, user };
}
