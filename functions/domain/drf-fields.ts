import * as v from 'valibot';
import { charCount } from './field-errors';

/**
 * Django REST framework's fields as valibot schemas, with DRF's messages: the building blocks of
 * every request schema of the domain (the session's, the agreement's, the operations'), so that
 * clients written for Ottu read our errors as they read Ottu's.
 */

/** A value's type as Python names it in DRF's messages. */
export const typeName = (input: unknown): string =>
  input === null ? 'null' : Array.isArray(input) ? 'list' : typeof input === 'object' ? 'dict' : typeof input === 'string' ? 'str' : typeof input;

export const isDict = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
export const notDict = (issue: v.BaseIssue<unknown>) => `Invalid data. Expected a dictionary, but got ${typeName(issue.input)}.`;
// valibot's object() accepts arrays; DRF does not.
export const dict = <T extends v.ObjectEntries>(entries: T) => v.pipe(v.custom<Record<string, unknown>>(isDict, notDict), v.object(entries, notDict));

const maxChars = (max: number) => v.check<string, string>((x) => charCount(x) <= max, `Ensure this field has no more than ${max} characters.`);

/** A lone UTF-16 surrogate: text no database or client can store. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const surrogateMessage = (issue: v.BaseIssue<unknown>) =>
  `Surrogate characters are not allowed: U+${(LONE_SURROGATE.exec(String(issue.input))?.[0] ?? '').charCodeAt(0).toString(16).toUpperCase()}.`;

/**
 * DRF's CharField: a string (numbers are turned into one), trimmed, at most `max` characters,
 * with DRF's validators against NUL and lone surrogates (text no database or client can store).
 */
export const text = (max: number) =>
  v.pipe(
    v.custom<string | number>((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)), 'Not a valid string.'),
    // For the OpenAPI document (custom, transform and a code-point count have no JSON Schema of their own).
    v.metadata({ type: 'string', maxLength: max }),
    v.transform((x) => String(x).trim()),
    v.check((x) => !x.includes('\u0000'), 'Null characters are not allowed.'),
    v.check((x) => !LONE_SURROGATE.test(x), surrogateMessage),
    maxChars(max),
  );
export const requiredText = (max: number) => v.pipe(text(max), v.nonEmpty('This field may not be blank.'));

/** DRF's ChoiceField. A list or dict is named by its type: printing it could be megabytes (or overflow the stack). */
export const choice = <const T extends readonly string[]>(options: T) =>
  v.picklist(options, (issue) => `"${typeof issue.input === 'object' && issue.input !== null ? typeName(issue.input) : String(issue.input)}" is not a valid choice.`);

/** DRF's ListField. */
export const list = <T extends v.GenericSchema>(item: T) => v.array(item, (issue) => `Expected a list of items but got type "${typeName(issue.input)}".`);

/** DRF's IntegerField: an integer, or a string of one; bounds with DRF's messages. */
export const integer = (min: number, max: number) =>
  v.pipe(
    v.custom<number | string>((x) => (typeof x === 'number' && Number.isInteger(x)) || (typeof x === 'string' && /^\s*-?\d+\s*$/.test(x)), 'A valid integer is required.'),
    v.metadata({ type: 'integer', minimum: min, maximum: max }),
    v.transform((x) => Number(x)),
    v.minValue(min, `Ensure this value is greater than or equal to ${min}.`),
    v.maxValue(max, `Ensure this value is less than or equal to ${max}.`),
  );

/** DRF's DateField with its default format: YYYY-MM-DD, a real calendar day. */
export const date = v.pipe(
  text(10),
  v.metadata({ format: 'date', examples: ['1990-04-21'] }),
  v.check((x) => isCalendarDate(x), 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'),
);

export function isCalendarDate(x: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(x)) return false;
  const parsed = new Date(`${x}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === x;
}
