import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { contentDisposition } from '../../domain/attachment';
import type { AttachmentStore, FileDownload, StoredFile, StoredFileInfo } from '../../ports';
import { s3Client } from './aws-clients';
import { setting } from '../../config/env';
import { uses } from '../../config/needs';

/** A presigned download link only needs to outlive the redirect that hands it out. */
const DOWNLOAD_LINK_SECONDS = 300;

/**
 * Attachments in the private bucket CHECKOUT_BUCKET. Objects are never public: a download is a
 * redirect to a presigned GET that expires within minutes. Type and download name are stored on
 * the object, so the presigned response carries them without any override.
 */
export class S3AttachmentStore implements AttachmentStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}


  async put(key: string, file: StoredFile): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: file.content,
        ContentType: file.contentType,
        ContentDisposition: contentDisposition(file.filename),
        // Metadata travels as HTTP headers, which are ASCII: the name is percent-encoded.
        Metadata: { filename: encodeURIComponent(file.filename) },
      }),
    );
  }

  async copy(from: string, to: string): Promise<boolean> {
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: `${this.bucket}/${from}`, MetadataDirective: 'COPY' }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async head(key: string): Promise<StoredFileInfo | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { contentType: head.ContentType ?? 'application/octet-stream', filename: decodeURIComponent(head.Metadata?.filename ?? ''), size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async download(key: string): Promise<FileDownload | undefined> {
    // Presigning checks nothing, so ask first: an unknown token is a 404, not S3's error page.
    if (!(await this.head(key))) return undefined;
    const url = await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: DOWNLOAD_LINK_SECONDS });
    return { kind: 'redirect', url };
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async list(): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NoSuchKey' || error.name === 'NotFound');
}

/** Store, copy (Get + Put), replace (Delete); ListBucket so a missing key is a 404, not a 403. */
export function s3Attachments() {
  uses({ bucket: ['GetObject', 'PutObject', 'DeleteObject', 'ListBucket'] });
  return new S3AttachmentStore(s3Client(), setting('CHECKOUT_BUCKET'));
}

/** Downloads only: the presigned GET (ListBucket, so a missing key is a 404). */
export function s3AttachmentReader() {
  uses({ bucket: ['GetObject', 'ListBucket'] });
  return new S3AttachmentStore(s3Client(), setting('CHECKOUT_BUCKET'));
}

/** Deletes only: the event router removing a removed session's attachment (docs/data-retention.md). */
export function s3AttachmentRemover(): Pick<AttachmentStore, 'delete'> {
  uses({ bucket: ['DeleteObject'] });
  return new S3AttachmentStore(s3Client(), setting('CHECKOUT_BUCKET'));
}
