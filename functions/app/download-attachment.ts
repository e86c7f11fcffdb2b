import { candidateKeys, isAttachmentToken } from '../domain/attachment';
import { NotFoundError } from '../domain/errors';
import type { FileDownload, Ports } from '../ports';

/** Public like the session itself: the 192-bit token in the URL is the capability. */
export async function downloadAttachment(ports: Pick<Ports, 'attachments'>, token: string): Promise<FileDownload> {
  if (isAttachmentToken(token)) {
    for (const key of candidateKeys(token)) {
      const download = await ports.attachments.download(key);
      if (download) return download;
    }
  }
  throw new NotFoundError('Not found.');
}
