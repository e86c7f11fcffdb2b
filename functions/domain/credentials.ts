import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Secrets are stored only as hashes: SHA-256 for random API keys (they carry enough entropy),
 * scrypt for passwords (they do not). Comparisons are constant-time.
 */

/**
 * OWASP's current advice for scrypt (Password Storage Cheat Sheet): N=2^17, r=8, p=1. It needs
 * 128·N·r = 128 MiB of memory per hash, so every function that authenticates has at least 512 MB
 * (lib/stage-config.ts; a test checks it) and the limit below leaves room above the 128 MiB.
 * Hashes made with other parameters still verify and are replaced on the next good login.
 */
export const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keylen: 32 } as const;
/** Node refuses a derivation needing more than `maxmem`; 128 MiB plus headroom. */
export const SCRYPT_MAXMEM = 160 * 1024 * 1024;
/** The memory one hash takes, for the check on function sizes. */
export const SCRYPT_MEMORY_MB = (128 * SCRYPT.N * SCRYPT.r) / (1024 * 1024);

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, { ...params, maxmem: SCRYPT_MAXMEM }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$saltHex$hashHex` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT, SCRYPT.keylen);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('hex'), key.toString('hex')].join('$');
}

/** Counts scrypt runs (tests prove a locked caller costs none); never reset. */
export const scryptRuns = { count: 0 };

/** True when `stored` was made with other parameters than today's: replace it on the next good login. */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(n) !== SCRYPT.N || Number(r) !== SCRYPT.r || Number(p) !== SCRYPT.p;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  // Parameters come from our own stored hash; bounded anyway, so a corrupt one cannot ask for gigabytes.
  if (!(Number(n) >= 2 && Number(n) <= SCRYPT.N && Number(r) >= 1 && Number(r) <= 16 && Number(p) >= 1 && Number(p) <= 4)) return false;
  scryptRuns.count++;
  const expected = Buffer.from(hash, 'hex');
  const actual = await derive(password, Buffer.from(salt, 'hex'), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * A new API key `<prefix>.<secret>` and the hash to store for it (the prefix finds the record).
 * The prefix is hex: an operator types it as an argument (`keys-revoke <prefix>`), and a
 * base64url prefix starting with "-" (1 in 64) would be read as an option and refused.
 */
export function newApiKey(): { key: string; prefix: string; key_hash: string } {
  const prefix = randomBytes(6).toString('hex');
  const key = `${prefix}.${randomBytes(24).toString('base64url')}`;
  return { key, prefix, key_hash: sha256Hex(key) };
}
