import type * as v from 'valibot';
import { safeParse } from 'valibot';
import { ValidationError, type FieldErrors } from './errors';

/**
 * Django REST framework's error shapes, shared by every request schema of the domain (the
 * session's, the agreement's, the operations'): nested field errors, and characters counted as
 * Python counts them.
 */

/** Characters as DRF counts them (Python's len: code points), not UTF-16 units. */
export const charCount = (x: string): number => {
  let count = 0;
  for (const _ of x) count++;
  return count;
};

/** DRF-style nested field errors from valibot issues, one list of messages per field path. */
export function toFieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = (issue.path ?? []).map((item) => String(item.key));
    if (path.length === 0) path.push('non_field_errors');
    const message = issue.input === undefined ? 'This field is required.' : issue.input === null ? 'This field may not be null.' : issue.message;
    addFieldError(errors, path, message);
  }
  return errors;
}

export function addFieldError(errors: FieldErrors, path: string[], message: string): void {
  let node = errors;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (Array.isArray(next)) return; // the parent already failed as a whole
    node = node[key] = next ?? {};
  }
  const leaf = path[path.length - 1]!;
  const messages = node[leaf];
  if (messages === undefined) node[leaf] = [message];
  else if (Array.isArray(messages) && !messages.includes(message)) messages.push(message);
}

export function parseWith<S extends v.GenericSchema>(schema: S, input: unknown): { ok: true; value: v.InferOutput<S> } | { ok: false; errors: FieldErrors } {
  const result = safeParse(schema, input, { abortEarly: false });
  return result.success ? { ok: true, value: result.output } : { ok: false, errors: toFieldErrors(result.issues) };
}

/** The parsed value, or a ValidationError (400 in Ottu's shape) naming every field at fault. */
export function parseOrRefuse<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const parsed = parseWith(schema, input);
  if (!parsed.ok) throw new ValidationError(parsed.errors);
  return parsed.value;
}
