import type { Clock } from './clock';
import type { ConfigStore } from './config-store';
import type { DuePage, DueSession, ExpiryIndex } from './expiry-index';
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from './idempotency-store';
import type { Ids } from './ids';
import type { SessionRepository } from './session-repository';

export type { Clock, ConfigStore, DuePage, DueSession, ExpiryIndex, IdempotencyBegin, IdempotencyStore, Ids, SessionRepository, StoredResponse };

/** Everything a use case may touch outside pure code. */
export interface Ports {
  sessions: SessionRepository;
  config: ConfigStore;
  idempotency: IdempotencyStore;
  clock: Clock;
  expiry: ExpiryIndex;
  ids: Ids;
}
