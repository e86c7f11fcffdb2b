import type * as v from 'valibot';
import type { MerchantConfig } from '../domain/config';
import { PermissionDeniedError, ValidationError, type FieldErrors } from '../domain/errors';
import { mayOnPlugin, unusableCodes, type Principal } from '../domain/permissions';
import { mergeInput, resolveSession, type ResolvedSession } from '../domain/session-rules';
import { parseWith, partialSchema, type PartialInput } from '../domain/session-schema';
import type { SessionFields } from '../domain/session';

type Base = Parameters<typeof mergeInput>[0];

/**
 * Validates a request body against `schema`, merges it onto `base` and applies the cross-field
 * rules, reporting every failing field at once (400) together with `extraErrors` (fields checked
 * elsewhere, such as the attachment).
 */
export function resolveSessionInput(
  schema: v.GenericSchema<unknown, PartialInput>,
  body: unknown,
  base: Base,
  config: MerchantConfig,
  extraErrors: FieldErrors = {},
): { input: PartialInput; resolved: ResolvedSession } {
  const parsed = parseWith(schema, body);
  if (parsed.ok) {
    const resolved = resolveSession(mergeInput(base, parsed.value), config);
    if (!resolved.ok) throw new ValidationError({ ...resolved.errors, ...extraErrors });
    if (Object.keys(extraErrors).length > 0) throw new ValidationError(extraErrors);
    return { input: parsed.value, resolved: resolved.value };
  }
  throw new ValidationError({ ...ruleErrorsOfValidFields(body, parsed.errors, base, config), ...parsed.errors, ...extraErrors });
}

/** The rule errors of the fields that passed the schema, so one response names every problem. */
function ruleErrorsOfValidFields(body: unknown, schemaErrors: FieldErrors, base: Base, config: MerchantConfig): FieldErrors {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const valid = Object.fromEntries(Object.entries(body).filter(([key]) => !(key in schemaErrors)));
  const reparsed = parseWith(partialSchema, valid);
  if (!reparsed.ok) return {};
  const resolved = resolveSession(mergeInput(base, reparsed.value), config);
  if (resolved.ok) return {};
  return Object.fromEntries(Object.entries(resolved.errors).filter(([key]) => key in valid));
}

export function assertMayWrite(principal: Principal, fields: Pick<SessionFields, 'type' | 'pg_codes'>, permission: 'add' | 'change'): void {
  if (!mayOnPlugin(principal, fields.type, permission)) {
    throw new PermissionDeniedError(`You do not have permission to ${permission} ${fields.type} payment transactions.`);
  }
  const denied = unusableCodes(principal, fields.pg_codes);
  if (denied.length > 0) throw new PermissionDeniedError(`You do not have permission to use the payment gateway(s): ${denied.join(', ')}.`);
}
