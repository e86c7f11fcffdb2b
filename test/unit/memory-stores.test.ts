import { MemoryAttachmentStore } from '../../functions/adapters/embedded/memory-attachment-store';
import { MemoryShortLinkStore } from '../../functions/adapters/embedded/memory-short-link-store';
import { attachmentStoreContract } from '../fixtures/attachment-store-contract';
import { shortLinkStoreContract } from '../fixtures/short-link-store-contract';

describe('MemoryAttachmentStore', () => attachmentStoreContract(async () => new MemoryAttachmentStore()));
describe('MemoryShortLinkStore', () => shortLinkStoreContract(async () => new MemoryShortLinkStore()));
