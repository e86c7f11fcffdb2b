import type { MiddlewareObj } from '@middy/core';
import type BusboyFactory from '@fastify/busboy';
import { BadRequestError, ValidationError } from '../../domain/errors';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors';
import { formToJson } from './form-fields';
import type { HttpEvent, UploadedFile } from './http-event';
import { InexactNumber, parseJsonText } from './json-text';

/** Largest body we read: a 2.5 MB attachment plus the form fields around it. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Multipart: text fields, file parts and bytes per text field; urlencoded: keys. Past any, 400. */
export const MAX_MULTIPART_FIELDS = 200;
export const MAX_MULTIPART_FILES = 5;
export const MAX_FIELD_BYTES = 64 * 1024;
export const MAX_FORM_KEYS = 1000;

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;
const MULTIPART_TYPE = /^multipart\/form-data\s*;/i;
/** A form body that opens like a JSON object or list was meant as JSON (curl -d sends it as a form). */
const LOOKS_LIKE_JSON = /^\s*[{[]/;
const SEND_JSON = 'The body looks like JSON: send it with "Content-Type: application/json".';
export const INEXACT_NUMBER = 'This number cannot be stored exactly (more than 15 significant digits or out of range). Send it as a string.';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses JSON, urlencoded and multipart bodies into `event.body`; 413, 415 or 400 otherwise. */
export function parseBody(): MiddlewareObj<HttpEvent> {
  return {
    before: async (request) => {
      const { event } = request;
      const raw = typeof event.body === 'string' ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
      if (raw.length > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
      event.rawBody = raw;
      const contentType = (event.headers['content-type'] ?? '').trim();
      if (raw.length === 0 && !MULTIPART_TYPE.test(contentType)) {
        event.body = {};
      } else if (JSON_TYPE.test(contentType)) {
        event.body = exactNumbers(parseJsonText(decodeUtf8(raw)));
      } else if (FORM_TYPE.test(contentType)) {
        const text = decodeUtf8(raw);
        if (LOOKS_LIKE_JSON.test(text)) throw new UnsupportedMediaTypeError(contentType, SEND_JSON);
        event.body = exactNumbers(formToJson(parseForm(text)));
      } else if (MULTIPART_TYPE.test(contentType)) {
        const { fields, files } = await parseMultipart(await loadBusboy(), raw, contentType);
        event.body = exactNumbers(formToJson(fields));
        event.files = files;
      } else {
        // No Content-Type at all (curl --data-binary, a bare fetch): say which one to send.
        const hint = contentType !== '' ? undefined : LOOKS_LIKE_JSON.test(raw.subarray(0, 64).toString('latin1')) ? SEND_JSON : 'Send JSON with "Content-Type: application/json".';
        throw new UnsupportedMediaTypeError(contentType, hint);
      }
    },
  };
}

/** Strict UTF-8: a body with invalid bytes is refused, never read with U+FFFD in their place. */
function decodeUtf8(raw: Buffer): string {
  try {
    return utf8.decode(raw);
  } catch {
    throw new BadRequestError('The request body is not valid UTF-8.');
  }
}

/**
 * Inexact JSON numbers (see json-text.ts): `amount` is a decimal, so it takes the number's exact
 * text; anywhere else the top-level field that holds one is refused.
 */
function exactNumbers(body: unknown): unknown {
  if (body instanceof InexactNumber) throw new BadRequestError(`JSON parse error - ${INEXACT_NUMBER}`);
  if (typeof body !== 'object' || body === null) return body;
  if (Array.isArray(body)) {
    if (body.some(holdsInexact)) throw new BadRequestError(`JSON parse error - ${INEXACT_NUMBER}`);
    return body;
  }
  const fields = body as Record<string, unknown>;
  const errors: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'amount' && value instanceof InexactNumber) fields[key] = value.text;
    else if (holdsInexact(value)) errors[key] = [INEXACT_NUMBER];
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return body;
}

/** Depth is bounded by MAX_JSON_DEPTH, so this recursion is too. */
function holdsInexact(value: unknown): boolean {
  if (value instanceof InexactNumber) return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(holdsInexact);
}

/**
 * application/x-www-form-urlencoded, strictly: percent-escapes must decode to UTF-8 (else 400),
 * and past MAX_FORM_KEYS keys the body is refused rather than cut short.
 */
function parseForm(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null);
  const pairs = text.split('&').filter((pair) => pair !== '');
  if (pairs.length > MAX_FORM_KEYS) throw new BadRequestError(`Form parse error - more than ${MAX_FORM_KEYS} form fields; at most ${MAX_FORM_KEYS} are read.`);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = decodeFormText(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeFormText(pair.slice(eq + 1));
    const seen = fields[name];
    fields[name] = seen === undefined ? value : ([] as string[]).concat(seen, value);
  }
  return fields;
}

function decodeFormText(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new BadRequestError('Form parse error - malformed percent-encoding (each %XX must be hex and the bytes valid UTF-8).');
  }
}

/**
 * busboy is loaded with the first multipart body, not at cold start: most requests are JSON, and
 * every HTTP function bundles this parser.
 */
async function loadBusboy(): Promise<typeof BusboyFactory> {
  return (await import('@fastify/busboy')).default;
}

/** Text parts are read as UTF-8 only; a part may say so (or say US-ASCII, a subset). */
const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii']);
/** busboy reports a part's Content-Transfer-Encoding (7bit when absent) but never decodes one. */
const RAW_TRANSFER_ENCODINGS = new Set(['7bit', '8bit', 'binary']);

/**
 * Streams a multipart body through busboy; repeated fields become lists, files are kept whole.
 * busboy hands over every part's raw bytes (`isPartAFile`), so text is decoded here, strictly, as
 * UTF-8: left to busboy, a part naming its own charset would be decoded leniently in that charset.
 * A part is a file as busboy would judge it (a filename, or application/octet-stream).
 */
function parseMultipart(Busboy: typeof BusboyFactory, raw: Buffer, contentType: string): Promise<{ fields: Record<string, string | string[]>; files: UploadedFile[] }> {
  const fields: Record<string, string | string[]> = Object.create(null);
  const files: UploadedFile[] = [];
  const malformed = () => new BadRequestError('Multipart form parse error - the body is not valid multipart/form-data.');
  const tooMany = (what: string, limit: number) => new BadRequestError(`Multipart form parse error - more than ${limit} ${what}; at most ${limit} are read.`);
  const problem = partHeaderProblem(raw, contentType);
  if (problem) return Promise.reject(new BadRequestError(`Multipart form parse error - ${problem}.`));
  return new Promise((resolve, reject) => {
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: { 'content-type': contentType },
        isPartAFile: () => true,
        limits: { fileSize: MAX_BODY_BYTES, files: MAX_MULTIPART_FILES + MAX_MULTIPART_FIELDS + 1 },
      });
    } catch {
      return reject(malformed());
    }
    let textParts = 0;
    let fileParts = 0;
    // The file part being read: if the body ends inside it, the error names its field.
    let open: string | undefined;
    parser.on('filesLimit', () => reject(tooMany('parts', MAX_MULTIPART_FILES + MAX_MULTIPART_FIELDS)));
    parser.on('file', (field: string | undefined, stream, filename, encoding, mimetype) => {
      stream.on('error', () => undefined); // the parser reports a cut-off part itself (below)
      if (field === undefined) return reject(new BadRequestError('Multipart form parse error - a part has no name in its Content-Disposition.'));
      // busboy does not decode base64 or quoted-printable parts (RFC 7578 retired them): refused, not stored encoded.
      if (!RAW_TRANSFER_ENCODINGS.has(encoding)) return reject(new BadRequestError(`Multipart form parse error - Content-Transfer-Encoding ${encoding} is not supported; send the part's bytes as they are.`));
      const isFile = filename !== undefined || mimetype === 'application/octet-stream';
      if (isFile ? ++fileParts > MAX_MULTIPART_FILES : ++textParts > MAX_MULTIPART_FIELDS) {
        return reject(isFile ? tooMany('file parts', MAX_MULTIPART_FILES) : tooMany('text fields', MAX_MULTIPART_FIELDS));
      }
      const chunks: Buffer[] = [];
      if (isFile) open = field;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (open === field) open = undefined;
        const content = Buffer.concat(chunks);
        // busboy gives no filename for `filename=""`; the attachment rules then refuse the part.
        if (isFile) files.push({ field, filename: filename ?? '', mimetype, content, truncated: stream.truncated });
        else addText(fields, field, content, reject);
      });
    });
    parser.on('error', () =>
      reject(open === undefined ? malformed() : new ValidationError({ [open]: ['The file is incomplete: the request body ended before the file did.'] })),
    );
    parser.on('finish', () => resolve({ fields, files }));
    parser.end(raw);
  });
}

/** One text part: at most MAX_FIELD_BYTES of strict UTF-8; `name[]` and repeats make a list. */
function addText(fields: Record<string, string | string[]>, name: string, content: Buffer, reject: (error: Error) => void): void {
  if (content.length > MAX_FIELD_BYTES) return reject(new ValidationError({ [name]: [`Ensure this field has no more than ${MAX_FIELD_BYTES} bytes.`] }));
  let text: string;
  try {
    text = utf8.decode(content);
  } catch {
    return reject(new ValidationError({ [name]: ['This field is not valid UTF-8 text.'] }));
  }
  const key = name.endsWith('[]') ? name.slice(0, -2) : name;
  const seen = fields[key];
  fields[key] = seen === undefined ? text : ([] as string[]).concat(seen, text);
}

/**
 * What busboy would pass over in silence, read from the parts' header blocks only (so a file's
 * content is never mistaken for headers): a part that is not a form-data field (busboy skips it)
 * and a text part declaring a charset other than UTF-8 (busboy decodes it leniently).
 */
function partHeaderProblem(raw: Buffer, contentType: string): string | undefined {
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) return undefined;
  const text = raw.toString('latin1');
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const next = (from: number) => {
    const at = text.indexOf(`\r\n${delimiter}`, from);
    return at < 0 ? -1 : at + 2;
  };
  for (let at = text.startsWith(delimiter) ? 0 : next(0); at >= 0; at = next(at)) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd < 0 || text.startsWith('--', at + delimiter.length)) break; // the close delimiter
    const headers = text.slice(lineEnd + 2, Math.max(lineEnd + 2, text.indexOf('\r\n\r\n', lineEnd)));
    if (!/^content-disposition\s*:\s*form-data\s*(;|$)/im.test(headers)) return 'every part needs "Content-Disposition: form-data; name=…"';
    if (/filename\*?\s*=|^content-type\s*:\s*application\/octet-stream/im.test(headers)) continue;
    const charset = /^content-type\s*:[^\r\n]*;\s*charset\s*=\s*"?([^";\s]+)/im.exec(headers)?.[1];
    if (charset && !UTF8_NAMES.has(charset.toLowerCase())) return `a text part declares charset=${charset}; text parts must be UTF-8`;
  }
  return undefined;
}
