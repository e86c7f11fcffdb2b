import { candidateKeys, type CheckedAttachment } from '../domain/attachment';
import type { FieldErrors } from '../domain/errors';
import type { Ports } from '../ports';
import type { AttachmentInput } from './resolve-session-input';

/** Where a session's new attachment comes from: this request's file, or an earlier upload. */
export type AttachmentSource = { kind: 'file'; file: CheckedAttachment } | { kind: 'uploaded'; key: string };

export interface AttachmentRequest {
  source?: AttachmentSource;
  errors: FieldErrors;
}

/**
 * The attachment of a create, PUT or PATCH: a multipart `attachment` file, or the
 * `attachment_upload_url` of a file uploaded before (it must be one of ours and still exist).
 */
export async function readAttachmentRequest(ports: Pick<Ports, 'attachments'>, input: AttachmentInput): Promise<AttachmentRequest> {
  const errors: FieldErrors = {};
  if (input.fileError) errors.attachment = [input.fileError];
  if (!input.upload) return { errors, source: input.file && { kind: 'file', file: input.file } };
  if (input.file || input.fileError) {
    errors.attachment_upload_url = ['Provide either `attachment` or `attachment_upload_url`, not both.'];
    return { errors };
  }
  const { token } = input.upload;
  const key = token && (await existingKey(ports, token));
  if (!key) {
    errors.attachment_upload_url = ['Enter the `file_url` of a file uploaded to this API with upload-attachment.'];
    return { errors };
  }
  return { errors, source: { kind: 'uploaded', key } };
}

async function existingKey(ports: Pick<Ports, 'attachments'>, token: string): Promise<string | undefined> {
  for (const key of candidateKeys(token)) {
    if (await ports.attachments.head(key)) return key;
  }
  return undefined;
}
