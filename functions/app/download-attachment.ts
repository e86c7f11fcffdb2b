import { attachmentKey, isAttachmentToken } from '../domain/attachment';
import { NotFoundError } from '../domain/errors';
import type { FileDownload, Ports } from '../ports';

/** Public like the session itself: the 192-bit token in the URL is the capability. */
export async function downloadAttachment(ports: Ports, token: string): Promise<FileDownload> {
  const download = isAttachmentToken(token) ? await ports.attachments.download(attachmentKey(token)) : undefined;
  if (!download) throw new NotFoundError('Not found.');
  return download;
}
