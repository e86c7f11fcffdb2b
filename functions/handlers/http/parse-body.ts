import type { MiddlewareObj } from '@middy/core';
import Busboy from '@fastify/busboy';
import { parse as parseQuery } from 'node:querystring';
import { BadRequestError, ValidationError } from '../../domain/errors';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors';
import { formToJson } from './form-fields';
import type { HttpEvent, UploadedFile } from './http-event';

/** Largest body we read: a 2.5 MB attachment plus the form fields around it. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;
const MULTIPART_TYPE = /^multipart\/form-data\s*;/i;

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
        event.body = parseJson(raw);
      } else if (FORM_TYPE.test(contentType)) {
        event.body = formToJson(parseQuery(raw.toString('utf8')));
      } else if (MULTIPART_TYPE.test(contentType)) {
        const { fields, files } = await parseMultipart(raw, contentType);
        event.body = formToJson(fields);
        event.files = files;
      } else {
        throw new UnsupportedMediaTypeError(contentType);
      }
    },
  };
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new BadRequestError(`JSON parse error - ${(error as Error).message}`);
  }
}

/** Streams a multipart body through busboy; repeated fields become lists, files are kept whole. */
function parseMultipart(raw: Buffer, contentType: string): Promise<{ fields: Record<string, string | string[]>; files: UploadedFile[] }> {
  const fields: Record<string, string | string[]> = {};
  const files: UploadedFile[] = [];
  const malformed = () => new BadRequestError('Multipart form parse error - the body is not valid multipart/form-data.');
  return new Promise((resolve, reject) => {
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({ headers: { 'content-type': contentType }, limits: { fileSize: MAX_BODY_BYTES, files: 5, fields: 200, fieldSize: 64 * 1024 } });
    } catch {
      return reject(malformed());
    }
    parser.on('field', (name, value) => {
      const key = name.endsWith('[]') ? name.slice(0, -2) : name;
      const seen = fields[key];
      fields[key] = seen === undefined ? value : ([] as string[]).concat(seen, value);
    });
    // The file part being read: if the body ends inside it, the error names its field.
    let open: string | undefined;
    parser.on('file', (field, stream, filename, _encoding, mimetype) => {
      const chunks: Buffer[] = [];
      open = field;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      // The parser reports a cut-off part itself (below); unhandled, this would crash the process.
      stream.on('error', () => undefined);
      stream.on('end', () => {
        if (open === field) open = undefined;
        files.push({ field, filename, mimetype, content: Buffer.concat(chunks), truncated: stream.truncated });
      });
    });
    parser.on('error', () =>
      reject(open === undefined ? malformed() : new ValidationError({ [open]: ['The file is incomplete: the request body ended before the file did.'] })),
    );
    parser.on('finish', () => resolve({ fields, files }));
    parser.end(raw);
  });
}
