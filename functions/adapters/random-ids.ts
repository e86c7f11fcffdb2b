import { randomBytes, randomUUID } from 'node:crypto';
import type { Ids } from '../ports';

export const randomIds: Ids = {
  sessionId: () => randomBytes(20).toString('hex'),
  eventId: () => randomUUID(),
};
