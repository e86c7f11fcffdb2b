import type { CheckedAttachment } from '../domain/attachment';
import type { MerchantConfig } from '../domain/config';
import { PermissionDeniedError, ValidationError, type FieldErrors } from '../domain/errors';
import { mayOnPlugin, unusableCodes, type Principal } from '../domain/permissions';
import { mergeInput, resolveSession, type ResolvedSession } from '../domain/session-rules';
import type { PartialInput } from '../domain/session-schema';
import type { SessionFields } from '../domain/session';

/** A request's attachment, as the edge read it (a multipart part or the URL of an earlier upload). */
export interface AttachmentInput {
  /** The checked `attachment` file part. */
  file?: CheckedAttachment;
  /** Why the `attachment` part (or a text value under that name) was refused. */
  fileError?: string;
  /** An `attachment_upload_url` was sent: its upload token when it names a file of this API. */
  upload?: { token: string | undefined };
}

/** A create, PUT or PATCH as the edge read it: typed fields, whatever failed the schema, the attachment. */
export interface SessionRequest {
  /** The body's fields that passed the schema (all of them when `errors` is empty). */
  input: PartialInput;
  /** The schema's complaints about the other fields. */
  errors: FieldErrors;
  attachment: AttachmentInput;
}

type Base = Parameters<typeof mergeInput>[0];

/**
 * Merges the request's fields onto `base` and applies the cross-field rules, reporting every
 * failing field at once (400): the schema's errors, the rule errors of the fields that passed
 * it, and `extraErrors` (fields checked elsewhere, such as the attachment).
 */
export function resolveSessionInput(request: Pick<SessionRequest, 'input' | 'errors'>, base: Base, config: MerchantConfig, extraErrors: FieldErrors = {}): ResolvedSession {
  const resolved = resolveSession(mergeInput(base, request.input), config);
  const schemaFailed = Object.keys(request.errors).length > 0;
  // With schema errors, only the rule errors of fields the client sent are worth reporting.
  const ruleErrors = resolved.ok ? {} : schemaFailed ? Object.fromEntries(Object.entries(resolved.errors).filter(([key]) => key in request.input)) : resolved.errors;
  const errors = { ...ruleErrors, ...request.errors, ...extraErrors };
  if (!resolved.ok || Object.keys(errors).length > 0) throw new ValidationError(errors);
  return resolved.value;
}

export function assertMayWrite(principal: Principal, fields: Pick<SessionFields, 'type' | 'pg_codes'>, permission: 'add' | 'change'): void {
  if (!mayOnPlugin(principal, fields.type, permission)) {
    throw new PermissionDeniedError(`You do not have permission to ${permission} ${fields.type} payment transactions.`);
  }
  const denied = unusableCodes(principal, fields.pg_codes);
  if (denied.length > 0) throw new PermissionDeniedError(`You do not have permission to use the payment gateway(s): ${denied.join(', ')}.`);
}
