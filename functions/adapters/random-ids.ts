import { randomBytes, randomUUID } from 'node:crypto';
import type { Ids } from '../ports';

// 32 symbols without the look-alikes 0/O and 1/I, so a reference read out on the phone is
// unambiguous; 32 divides 256, so `byte & 31` picks each symbol with equal chance.
const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export const randomIds: Ids = {
  sessionId: () => randomBytes(20).toString('hex'),
  eventId: () => randomUUID(),
  referenceNumber: () => Array.from(randomBytes(12), (byte) => REFERENCE_ALPHABET[byte & 31]).join(''),
};
