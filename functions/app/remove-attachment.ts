import { isSessionAttachmentKey } from '../domain/attachment';
import type { AttachmentStore } from '../ports';

export type RemoveAttachmentPorts = { attachments: Pick<AttachmentStore, 'delete'> };

/**
 * A removed session's attachment goes with it (the table removed the item: its retention's TTL,
 * or a delete for good). Only a session attachment's key is ever deleted this way, whatever the
 * record says. Deleting one already gone is no error, so a repeated record is harmless; the
 * bucket keeps the object as a noncurrent version past the table's restore window.
 */
export async function removeSessionAttachment(ports: RemoveAttachmentPorts, key: string): Promise<boolean> {
  if (!isSessionAttachmentKey(key)) return false;
  await ports.attachments.delete(key);
  return true;
}
