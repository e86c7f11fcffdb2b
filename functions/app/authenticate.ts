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
  const [scheme = '', ...rest] = authorization.trim().split(/\s+/);
  const credential = rest.join(' ');
  switch (scheme.toLowerCase()) {
    case 'api-key':
      return apiKeyPrincipal(config, credential);
    case 'basic':
      return basicPrincipal(config, credential);
    default:
      throw new AuthenticationError('Invalid authorization header. Use "Api-Key <key>" or "Basic <credentials>".');
  }
}

function apiKeyPrincipal(config: MerchantConfig, key: string): Principal {
  const prefix = key.split('.')[0] ?? '';
  const record = config.api_keys.find((candidate) => candidate.prefix === prefix);
  if (!record || !sameHex(record.key_hash, sha256Hex(key))) throw new AuthenticationError('Invalid API key.');
  return { kind: 'api_key', id: record.prefix };
}

async function basicPrincipal(config: MerchantConfig, encoded: string): Promise<Principal> {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new AuthenticationError('Invalid basic header. Credentials not correctly base64 encoded.');
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
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
