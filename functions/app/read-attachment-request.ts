import { attachmentTokenOf, candidateKeys, checkAttachment, isBlankFilePart, type CheckedAttachment, type IncomingFile } from '../domain/attachment';
import type { FieldErrors } from '../domain/errors';
import type { Ports } from '../ports';

/** Where a session's new attachment comes from: this request's file, or an earlier upload. */
export type AttachmentSource = { kind: 'file'; file: CheckedAttachment } | { kind: 'uploaded'; key: string };

export interface AttachmentRequest {
  source?: AttachmentSource;
  errors: FieldErrors;
}

export const NOT_A_FILE = 'The submitted data was not a file. Attachments can only be sent as multipart/form-data, not as JSON or form text.';

/**
 * The one file part named `field`: absent, checked, or the reason it is refused. A value under
 * that name in the parsed body means it came as text (JSON, urlencoded or a plain form field).
 */
export function readFilePart(body: unknown, files: readonly IncomingFile[], field: string): { part?: IncomingFile; file?: CheckedAttachment; error?: string } {
  const text = fieldsOf(body)[field];
  if (text !== undefined && text !== null && text !== '') return { error: NOT_A_FILE };
  const parts = files.filter((file) => file.field === field && !isBlankFilePart(file));
  if (parts.length > 1) return { error: 'Only one file may be submitted.' };
  const part = parts[0];
  if (!part) return {};
  const checked = checkAttachment(part);
  return checked.ok ? { part, file: checked.value } : { part, error: checked.message };
}

/**
 * The attachment of a create, PUT or PATCH: a multipart `attachment` file, or the
 * `attachment_upload_url` of a file uploaded before (it must be one of ours and still exist).
 */
export async function readAttachmentRequest(ports: Ports, body: unknown, files: readonly IncomingFile[], baseUrl?: string): Promise<AttachmentRequest> {
  const errors: FieldErrors = {};
  const { part, file, error } = readFilePart(body, files, 'attachment');
  if (error) errors.attachment = [error];
  const uploadUrl = fieldsOf(body).attachment_upload_url;
  if (uploadUrl === undefined || uploadUrl === null || uploadUrl === '') {
    return { errors, source: file && { kind: 'file', file } };
  }
  if (part || error) {
    errors.attachment_upload_url = ['Provide either `attachment` or `attachment_upload_url`, not both.'];
    return { errors };
  }
  const token = typeof uploadUrl === 'string' ? attachmentTokenOf(uploadUrl.trim(), baseUrl) : undefined;
  const key = token && (await existingKey(ports, token));
  if (!key) {
    errors.attachment_upload_url = ['Enter the `file_url` of a file uploaded to this API with upload-attachment.'];
    return { errors };
  }
  return { errors, source: { kind: 'uploaded', key } };
}

async function existingKey(ports: Ports, token: string): Promise<string | undefined> {
  for (const key of candidateKeys(token)) {
    if (await ports.attachments.head(key)) return key;
  }
  return undefined;
}

function fieldsOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
