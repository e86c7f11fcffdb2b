import type { AttachmentStore, FileDownload, StoredFile, StoredFileInfo } from './attachment-store';
import type { Clock } from './clock';
import type { ConfigStore } from './config-store';
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from './idempotency-store';
import type { Ids } from './ids';
import type { SessionRepository } from './session-repository';
import type { ShortLinkStore } from './short-link-store';

export type {
  AttachmentStore,
  Clock,
  ConfigStore,
  FileDownload,
  IdempotencyBegin,
  IdempotencyStore,
  Ids,
  SessionRepository,
  ShortLinkStore,
  StoredFile,
  StoredFileInfo,
  StoredResponse,
};

/** Everything a use case may touch outside pure code. */
export interface Ports {
  sessions: SessionRepository;
  config: ConfigStore;
  idempotency: IdempotencyStore;
  attachments: AttachmentStore;
  shortLinks: ShortLinkStore;
  clock: Clock;
  ids: Ids;
}
