import { randomBytes, randomUUID } from 'node:crypto';
import { SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH } from '../domain/short-link';
import type { Ids } from '../ports';

// 32 symbols without the look-alikes 0/O and 1/I, so a reference read out on the phone is
// unambiguous; 32 divides 256, so `byte & 31` picks each symbol with equal chance.
const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export const randomIds: Ids = {
  sessionId: () => randomBytes(20).toString('hex'),
  eventId: () => randomUUID(),
  attachmentToken: () => randomBytes(24).toString('base64url'),
  shortCode: () => randomCode(SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH),
  referenceNumber: () => Array.from(randomBytes(12), (byte) => REFERENCE_ALPHABET[byte & 31]).join(''),
};

/**
 * Uniform letters from `alphabet`: bytes at or above the largest multiple of its length are
 * dropped (rejection sampling), since `byte % 62` alone would favour the first letters.
 */
export function randomCode(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let code = '';
  while (code.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && code.length < length) code += alphabet[byte % alphabet.length];
    }
  }
  return code;
}
