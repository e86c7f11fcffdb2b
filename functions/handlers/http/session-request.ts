import type * as v from 'valibot';
import { attachmentTokenOf, checkAttachment, isBlankFilePart, type CheckedAttachment, type IncomingFile } from '../../domain/attachment';
import type { FieldErrors } from '../../domain/errors';
import { parseWith, partialSchema, SESSION_FIELD_NAMES, type PartialInput } from '../../domain/session-schema';
import type { SessionRequest } from '../../app/resolve-session-input';
import type { HttpEvent } from './http-event';

export const NOT_A_FILE = 'The submitted data was not a file. Attachments can only be sent as multipart/form-data, not as JSON or form text.';
export const NOT_TEXT = 'Not a valid string: a file was sent in this text field.';

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
  const misplaced = filesInTextFields(event, [...SESSION_FIELD_NAMES, 'attachment_upload_url']);
  if (parsed.ok && Object.keys(misplaced).length === 0) return { input: parsed.value, errors: {}, attachment: files };
  const errors = { ...(parsed.ok ? {} : parsed.errors), ...misplaced };
  const valid = Object.fromEntries(Object.entries(fieldsOf(body)).filter(([key]) => !(key in errors)));
  const reparsed = parseWith(partialSchema, valid);
  return { input: reparsed.ok ? reparsed.value : {}, errors, attachment: files };
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

/** A file part under the name of a text field is an error on that field, never silently ignored. */
export function filesInTextFields(event: Pick<HttpEvent, 'files'>, textFields: readonly string[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const file of event.files ?? []) {
    const name = file.field.endsWith('[]') ? file.field.slice(0, -2) : file.field;
    const field = name.split('.')[0]!;
    if (textFields.includes(field)) errors[field] = [NOT_TEXT];
  }
  return errors;
}

export function fieldsOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
