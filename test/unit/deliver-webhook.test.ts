import { MemoryIdempotencyStore } from '../../functions/adapters/embedded/memory-idempotency-store';
import { MemorySessionRepository } from '../../functions/adapters/embedded/memory-session-repository';
import { webhookDeliveryContract } from '../fixtures/webhook-delivery-contract';

describe('webhook delivery: embedded stores', () => {
  webhookDeliveryContract(async () => {
    const idempotency = new MemoryIdempotencyStore();
    return {
      sessions: new MemorySessionRepository(),
      idempotency,
      // The embedded store has no raw item to read: ask it as a copy would, then put back what the question took.
      claim: async (key, now) => {
        const begun = await idempotency.begin(key, 'probe', now);
        if (begun.status === 'started') await idempotency.release(key);
        return begun.status === 'started' ? 'none' : begun.status;
      },
    };
  });
});
