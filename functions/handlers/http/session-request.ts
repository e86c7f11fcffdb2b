import type * as v from 'valibot';
import { attachmentTokenOf, checkAttachment, isBlankFilePart, type CheckedAttachment, type IncomingFile } from '../../domain/attachment';
import { parseWith, partialSchema, type PartialInput } from '../../domain/session-schema';
import type { SessionRequest } from '../../app/resolve-session-input';
import type { HttpEvent } from './http-event';

export const NOT_A_FILE = 'The submitted data was not a file. Attachments can only be sent as multipart/form-data, not as JSON or form text.';

/**
 * A create, PUT or PATCH body read against `schema`: the fields that pass it, the errors of the
 * others (so one response can name every problem), and the attachment part or upload URL.
 */
export function readSessionRequest(schema: v.GenericSchema<unknown, PartialInput>, event: HttpEvent): SessionRequest {
  const body = event.body;
  const parsed = parseWith(schema, body);
  const attachment = readFilePart(event, 'attachment');
  const uploadUrl = fieldsOf(body).attachment_upload_url;
  const upload = uploadUrl === undefined || uploadUrl === null || uploadUrl === '' ? undefined : { token: typeof uploadUrl === 'string' ? attachmentTokenOf(uploadUrl.trim(), event.baseUrl) : undefined };
  const files = { file: attachment.file, fileError: attachment.error, upload };
  if (parsed.ok) return { input: parsed.value, errors: {}, attachment: files };
  const valid = Object.fromEntries(Object.entries(fieldsOf(body)).filter(([key]) => !(key in parsed.errors)));
  const reparsed = parseWith(partialSchema, valid);
  return { input: reparsed.ok ? reparsed.value : {}, errors: parsed.errors, attachment: files };
}

/**
 * The one file part named `field`: absent, checked, or the reason it is refused. A value under
 * that name in the parsed body means it came as text (JSON, urlencoded or a plain form field).
 */
export function readFilePart(event: Pick<HttpEvent, 'body' | 'files'>, field: string): { part?: IncomingFile; file?: CheckedAttachment; error?: string } {
  const text = fieldsOf(event.body)[field];
  if (text !== undefined && text !== null && text !== '') return { error: NOT_A_FILE };
  const parts = (event.files ?? []).filter((file) => file.field === field && !isBlankFilePart(file));
  if (parts.length > 1) return { error: 'Only one file may be submitted.' };
  const part = parts[0];
  if (!part) return {};
  const checked = checkAttachment(part);
  return checked.ok ? { part, file: checked.value } : { part, error: checked.message };
}

export function fieldsOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
