/**
 * Form bodies (urlencoded, multipart) carry only strings. This turns them into the JSON shapes
 * the schema expects, the way DRF reads forms: lists from repeated keys or commas, objects from
 * JSON text or dotted keys (`billing_address.city`), booleans from true/false words.
 */
import { BadRequestError } from '../../domain/errors';
import { parseJsonText } from './json-text';

const LIST_FIELDS = new Set(['pg_codes', 'email_recipients']);
const OBJECT_FIELDS = new Set(['billing_address', 'notifications', 'extra']);
const BOOLEAN_FIELDS = new Set(['shortify_checkout_url', 'shortify_attachment_url']);
const NESTED_LISTS = new Set(['notifications.email', 'notifications.sms']);
const TRUE_WORDS = new Set(['true', '1', 'on', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'off', 'no', '']);

type FormValue = string | string[];

export function formToJson(form: Record<string, FormValue | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(form)) {
    if (value === undefined) continue;
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
    // Not a field of ours (unknown fields are ignored), and assigning it would swap `out`'s prototype.
    if (key.split('.').includes('__proto__')) continue;
    const dot = key.indexOf('.');
    if (dot > 0 && OBJECT_FIELDS.has(key.slice(0, dot))) {
      const parent = key.slice(0, dot);
      const nested = (out[parent] ??= {}) as Record<string, unknown>;
      if (typeof nested === 'object') nested[key.slice(dot + 1)] = NESTED_LISTS.has(key) ? toList(value) : value;
    } else if (LIST_FIELDS.has(key)) out[key] = toList(value);
    else if (OBJECT_FIELDS.has(key)) out[key] = typeof value === 'string' ? parseObject(value) : value;
    else if (BOOLEAN_FIELDS.has(key)) out[key] = toBoolean(value);
    // Only when exact: a longer number stays text, which the schema refuses as not an integer.
    else if (key === 'initiator_id' && typeof value === 'string' && /^\d+$/.test(value) && Number.isSafeInteger(Number(value))) out[key] = Number(value);
    else out[key] = value;
  }
  return out;
}

function toList(value: FormValue): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item !== '');
}

function parseObject(text: string): unknown {
  if (text.trim() === '') return null;
  // Not JSON: the schema reports it as "not a dictionary". Too deep: 400, like a JSON body.
  if (!/^\s*[{[]/.test(text)) return text;
  try {
    return parseJsonText(text);
  } catch (error) {
    if (error instanceof BadRequestError && error.message.includes('nested deeper')) throw error;
    return text;
  }
}

function toBoolean(value: FormValue): unknown {
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : value;
}
