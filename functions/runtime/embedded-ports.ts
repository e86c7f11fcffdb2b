import { MemoryAttachmentStore } from '../adapters/embedded/memory-attachment-store';
import { MemoryConfigStore } from '../adapters/embedded/memory-config-store';
import { MemoryIdempotencyStore } from '../adapters/embedded/memory-idempotency-store';
import { MemorySessionRepository } from '../adapters/embedded/memory-session-repository';
import { MemoryShortLinkStore } from '../adapters/embedded/memory-short-link-store';
import { randomIds } from '../adapters/random-ids';
import type { MerchantConfig } from '../domain/config';
import type { Clock } from '../ports';

/** Every port on its embedded adapter: the one place `npm start` and the tests build them. */
export function embeddedPorts(config: MerchantConfig, webhookKey: string, clock: Clock) {
  return {
    sessions: new MemorySessionRepository(),
    config: new MemoryConfigStore(config, webhookKey),
    idempotency: new MemoryIdempotencyStore(),
    attachments: new MemoryAttachmentStore(),
    shortLinks: new MemoryShortLinkStore(),
    clock,
    ids: randomIds,
  };
}

export type EmbeddedPorts = ReturnType<typeof embeddedPorts>;
