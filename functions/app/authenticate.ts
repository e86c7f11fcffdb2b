import { createHash } from 'node:crypto';
import { auditEntry, SYSTEM_ACTOR, type RequestOrigin } from '../domain/audit';
import { afterFailure, lockedSeconds, recordExpiry, subjectText, type Subject } from '../domain/auth-lockout';
import type { ApiKey, MerchantConfig } from '../domain/config';
import { hashPassword, needsRehash, sameHex, SCRYPT, sha256Hex, verifyPassword } from '../domain/credentials';
import { AuthenticationError, TooManyAttemptsError } from '../domain/errors';
import { apiKeyPrincipal, userPrincipal, type Principal } from '../domain/permissions';
import type { Ports, StoredFailures } from '../ports';

export type AuthenticatePorts = Pick<Ports, 'config' | 'attempts' | 'clock' | 'log' | 'ids'>;

export interface AuthRequest extends RequestOrigin {
  authorization: string | undefined;
}

// scrypt is deliberately slow (~0.4 s at a full vCPU); a warm Lambda remembers credentials it
// already verified. The cache key covers the stored hash too, so a changed password is never
// served from it.
const verified = new Map<string, true>();
const VERIFIED_MAX = 1000;
// Unknown users still cost one scrypt run, so timing does not tell which usernames exist.
const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${'0'.repeat(32)}$${'0'.repeat(64)}`;
// Locks this Lambda has seen (subject → epoch ms the lock ends): a locked guesser's next tries
// cost a map lookup, not a DynamoDB read.
const knownLocks = new Map<string, number>();
const KNOWN_LOCKS_MAX = 10_000;
// When this Lambda last wrote each key's "last used": at most once per interval per key.
const keyUseNoted = new Map<string, number>();
export const KEY_USE_INTERVAL_MS = 15 * 60_000;

/**
 * The caller of an API request, from its Authorization header (`Api-Key <key>` or
 * `Basic <base64 user:password>`). A valid key or an already verified password costs no store
 * access at all. Anything else is checked against the failure budgets of its user or key prefix
 * and of its source address first (domain/auth-lockout.ts): a locked one is refused with 429 and
 * costs no scrypt; a failure is counted. Every refusal is logged (never with the secret) and
 * counted in a metric.
 */
export async function authenticate(ports: AuthenticatePorts, request: AuthRequest): Promise<Principal> {
  const attempt: Attempt = { ports, request, subject: undefined };
  try {
    const credentials = parseAuthorization(request.authorization);
    const config = await ports.config.load();
    return credentials.kind === 'basic' ? await basicPrincipal(attempt, config, credentials.value) : await keyPrincipal(attempt, config, credentials.value);
  } catch (error) {
    if (error instanceof AuthenticationError || error instanceof TooManyAttemptsError) reportRefusal(attempt, error);
    throw error;
  }
}

interface Attempt {
  ports: AuthenticatePorts;
  request: AuthRequest;
  /** The user or key the credentials name, once known (for the log). */
  subject: Subject | undefined;
}

function parseAuthorization(authorization: string | undefined): { kind: 'basic' | 'api-key'; value: string } {
  if (!authorization) throw new AuthenticationError();
  // Strictly "<scheme> <credentials>", one space, as DRF reads it. Two Authorization headers
  // arrive joined by a comma (API Gateway, the local gateway) and fail here: never pick one.
  const [scheme = '', ...rest] = authorization.trim().split(' ');
  const kind = scheme.toLowerCase() === 'basic' ? 'basic' : scheme.toLowerCase() === 'api-key' ? 'api-key' : undefined;
  if (!kind) throw new AuthenticationError('Invalid authorization header. Use "Api-Key <key>" or "Basic <credentials>".');
  if (rest.length === 0 || rest[0] === '') throw new AuthenticationError(`Invalid ${kind} header. No credentials provided.`);
  if (rest.length > 1) throw new AuthenticationError(`Invalid ${kind} header. Credentials string should not contain spaces.`);
  return { kind, value: rest[0]! };
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

/** Whether the key may be used at `now`: never once revoked, nor past its expiry (or its rotation's overlap). */
export function keyUsable(key: ApiKey, now: Date): 'ok' | 'revoked' | 'expired' {
  if (key.revoked_at) return 'revoked';
  if (key.expires_at && Date.parse(key.expires_at) <= now.getTime()) return 'expired';
  return 'ok';
}

async function keyPrincipal(attempt: Attempt, config: MerchantConfig, key: string): Promise<Principal> {
  const { ports } = attempt;
  const prefix = key.split('.')[0] ?? '';
  attempt.subject = { kind: 'key', value: prefix.slice(0, 64) };
  const record = config.api_keys.find((candidate) => candidate.prefix === prefix);
  const now = ports.clock.now();
  const matches = record !== undefined && sameHex(record.key_hash, sha256Hex(key));
  const usable = matches ? keyUsable(record, now) : undefined;
  if (usable === 'ok') {
    await noteKeyUse(ports, record!.prefix, now);
    return apiKeyPrincipal(record!);
  }
  // A wrong key costs a SHA-256 only, but is counted all the same: it is someone guessing, or
  // someone holding a revoked key.
  const stored = await assertNotLocked(attempt, now);
  await countFailure(attempt, stored, now);
  throw new AuthenticationError(usable === 'expired' ? 'API key expired.' : 'Invalid API key.');
}

async function basicPrincipal(attempt: Attempt, config: MerchantConfig, encoded: string): Promise<Principal> {
  const { ports } = attempt;
  const credentials = decodeBasic(encoded);
  if (!credentials) throw new AuthenticationError('Invalid basic header. Credentials not correctly base64 encoded.');
  const { username, password } = credentials;
  attempt.subject = { kind: 'user', value: username.slice(0, 150) };
  const user = config.users.find((candidate) => candidate.username === username);
  const stored = user?.password_hash ?? DUMMY_HASH;
  const cacheKey = createHash('sha256').update(`${username}\0${password}\0${stored}`).digest('hex');
  if (user && verified.has(cacheKey)) {
    if (!user.active) throw new AuthenticationError('User inactive or deleted.');
    return userPrincipal(user);
  }
  const now = ports.clock.now();
  const failures = await assertNotLocked(attempt, now);
  if (!user || !(await verifyPassword(password, stored))) {
    await countFailure(attempt, failures, now);
    throw new AuthenticationError('Invalid username/password.');
  }
  if (!user.active) throw new AuthenticationError('User inactive or deleted.');
  if (verified.size >= VERIFIED_MAX) verified.clear();
  verified.set(cacheKey, true);
  const userFailures = failures[0];
  await Promise.all([
    // A good password ends the user's count (not the address's: one known account must not
    // reset the budget of an address that guesses others).
    userFailures && userFailures.record.failures > 0 ? ports.attempts.clear(attempt.subject) : undefined,
    needsRehash(stored) ? rehash(attempt, username, password, stored) : undefined,
  ]);
  return userPrincipal(user);
}

/** The subjects an attempt is counted against: its user or key prefix, then its source address. */
function subjectsOf(attempt: Attempt): Subject[] {
  return [attempt.subject!, { kind: 'address', value: attempt.request.address }];
}

/**
 * Refuses (429) when the user/key or the address is locked; else returns their stored failure
 * records (for counting a failure without reading them again).
 */
async function assertNotLocked(attempt: Attempt, now: Date): Promise<Array<StoredFailures | undefined>> {
  const subjects = subjectsOf(attempt);
  const remembered = Math.max(...subjects.map((subject) => rememberedLock(subject, now)));
  if (remembered > 0) throw new TooManyAttemptsError(remembered);
  const stored = await Promise.all(subjects.map((subject) => attempt.ports.attempts.read(subject)));
  const seconds = Math.max(...stored.map((entry, index) => remember(subjects[index]!, entry?.record, now)));
  if (seconds > 0) throw new TooManyAttemptsError(seconds);
  return stored;
}

function rememberedLock(subject: Subject, now: Date): number {
  const until = knownLocks.get(subjectText(subject));
  return until !== undefined && until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

function remember(subject: Subject, record: StoredFailures['record'] | undefined, now: Date): number {
  const seconds = lockedSeconds(record, now);
  if (seconds > 0) {
    if (knownLocks.size >= KNOWN_LOCKS_MAX) knownLocks.clear();
    knownLocks.set(subjectText(subject), now.getTime() + seconds * 1000);
  }
  return seconds;
}

/** One more failure for the user/key and for the address; a lost race re-reads and counts again, so none is lost. */
async function countFailure(attempt: Attempt, stored: Array<StoredFailures | undefined>, now: Date): Promise<void> {
  const { attempts } = attempt.ports;
  await Promise.all(
    subjectsOf(attempt).map(async (subject, index) => {
      let current = stored[index];
      for (let tries = 0; tries < 8; tries++) {
        const next = afterFailure(current?.record, subject.kind, now);
        if (await attempts.write(subject, next, current?.version, recordExpiry(next, now))) {
          remember(subject, next, now);
          return;
        }
        current = await attempts.read(subject);
      }
      attempt.ports.log.warn('failed authentication not counted', new Error(`${subject.kind}: write conflicts persisted`));
    }),
  );
}

async function noteKeyUse(ports: AuthenticatePorts, prefix: string, now: Date): Promise<void> {
  const last = keyUseNoted.get(prefix);
  if (last !== undefined && now.getTime() - last < KEY_USE_INTERVAL_MS) return;
  keyUseNoted.set(prefix, now.getTime());
  try {
    await ports.attempts.noteKeyUse(prefix, now);
  } catch (error) {
    // Only a listing's "last used" is late; the request goes on.
    keyUseNoted.delete(prefix);
    ports.log.warn('key use not recorded', error as Error);
  }
}

/** Old scrypt parameters: store the password's hash at today's, recorded in the audit trail. */
async function rehash(attempt: Attempt, username: string, password: string, from: string): Promise<void> {
  const { ports, request } = attempt;
  try {
    const to = await hashPassword(password);
    const entry = auditEntry(
      {
        entry_id: ports.ids.eventId(),
        actor: SYSTEM_ACTOR,
        address: request.address,
        request_id: request.requestId,
        action: 'config.password-rehash',
        details: { username, scrypt_n: SCRYPT.N },
      },
      ports.clock.now(),
    );
    await ports.config.rehashPassword(username, from, to, entry);
  } catch (error) {
    ports.log.warn('password hash not upgraded', error as Error);
  }
}

/**
 * One line per 401/429, naming the subject, never the secret. The handler layer also counts it as
 * the stage's `AuthRefused` metric (functions/handlers/http/require-auth.ts).
 */
function reportRefusal(attempt: Attempt, error: AuthenticationError | TooManyAttemptsError): void {
  attempt.ports.log.info('authentication refused', {
    status: error instanceof TooManyAttemptsError ? 429 : 401,
    reason: error.message,
    subject: attempt.subject ? subjectText(attempt.subject) : null,
    address: attempt.request.address,
    request_id: attempt.request.requestId,
    ...(error instanceof TooManyAttemptsError && { retry_after_seconds: error.retryAfterSeconds }),
  });
}

/** For tests: forget what this process remembered (verified passwords, locks, key uses). */
export function forgetAuthenticationMemory(): void {
  verified.clear();
  knownLocks.clear();
  keyUseNoted.clear();
}
