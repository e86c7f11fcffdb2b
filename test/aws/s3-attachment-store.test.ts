import { s3Client } from '../../functions/adapters/aws/aws-clients';
import { s3Attachments } from '../../functions/adapters/aws/s3-attachment-store';
import { useEnvironment } from '../../functions/config/env';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { S3AttachmentStore } from '../../functions/adapters/aws/s3-attachment-store';
import { attachmentStoreContract } from '../fixtures/attachment-store-contract';
import { describeAws, useMotoEnv } from '../fixtures/moto';
import { tinyPdf } from '../fixtures/sample-files';

describeAws('S3AttachmentStore (moto)', () => {
  // One fresh bucket per test: other suites share this moto server, so nothing is reset globally.
  async function freshStore(): Promise<S3AttachmentStore> {
    useMotoEnv();
    const bucket = `checkout-attach-${randomBytes(6).toString('hex')}`;
    await new S3Client({ forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: bucket }));
    return new S3AttachmentStore(s3Client(), bucket);
  }

  attachmentStoreContract(freshStore);

  test('a download is a presigned GET that expires within minutes, with the download name', async () => {
    const store = await freshStore();
    await store.put('attachments/x', { content: tinyPdf(), contentType: 'application/pdf', filename: 'invoice "42".pdf' });
    const download = await store.download('attachments/x');
    if (download?.kind !== 'redirect') throw new Error('expected a redirect');
    const url = new URL(download.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const response = await fetch(url);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="invoice _42_.pdf"; filename*=UTF-8''invoice%20%2242%22.pdf`);
  });

  test('refuses to start without CHECKOUT_BUCKET, naming it', () => {
    useEnvironment({});
    try {
      expect(() => s3Attachments()).toThrow('CHECKOUT_BUCKET is not set.');
    } finally {
      useEnvironment(process.env);
    }
  });
});
