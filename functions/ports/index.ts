import type { Clock } from './clock';
import type { ConfigStore } from './config-store';
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from './idempotency-store';
import type { Ids } from './ids';
import type { SessionRepository } from './session-repository';

export type { Clock, ConfigStore, IdempotencyBegin, IdempotencyStore, Ids, SessionRepository, StoredResponse };

/** Everything a use case may touch outside pure code. */
export interface Ports {
  sessions: SessionRepository;
  config: ConfigStore;
  idempotency: IdempotencyStore;
  clock: Clock;
  ids: Ids;
}
