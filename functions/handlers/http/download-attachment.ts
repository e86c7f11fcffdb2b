import { downloadAttachment } from '../../app/download-attachment';
import { contentDisposition } from '../../domain/attachment';
import { s3AttachmentReader } from '../../adapters/aws/s3-attachment-store';
import type { Ports } from '../../ports';
import { lambdaEntry } from '../lambda-entry';
import type { HttpEvent, HttpResult } from './http-event';
import { httpHandler } from './http-handler';

/**
 * Serves an attachment without ever making its object public: a redirect to a short-lived
 * presigned GET (S3), or the bytes themselves (embedded). Served as a download, never rendered.
 */
async function serve(ports: Pick<Ports, 'attachments'>, event: HttpEvent): Promise<HttpResult> {
  const download = await downloadAttachment(ports, event.pathParameters?.token ?? '');
  if (download.kind === 'redirect') {
    return { statusCode: 302, headers: { location: download.url, 'cache-control': 'no-store' }, body: '' };
  }
  const { file } = download;
  return {
    statusCode: 200,
    headers: {
      'content-type': file.contentType,
      'content-disposition': contentDisposition(file.filename),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
    },
    body: Buffer.from(file.content).toString('base64'),
    isBase64Encoded: true,
  };
}

export const wire = (ports: Pick<Ports, 'attachments'>) => httpHandler((event) => serve(ports, event));
export const build = () => wire({ attachments: s3AttachmentReader() });
export const handler = lambdaEntry(build);
