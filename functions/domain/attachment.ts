/**
 * Attachment rules (pure): which files a payment transaction may carry, judged by name, size and
 * content. The extension alone is not trusted: the first bytes must be those of that format, so a
 * renamed executable or archive is refused.
 */

export const ATTACHMENT_EXTENSIONS = ['pdf', 'jpeg', 'jpg', 'png', 'doc', 'docx', 'xls', 'xlsx'] as const;
export type AttachmentExtension = (typeof ATTACHMENT_EXTENSIONS)[number];

/** 2.5 MB: the seed's limit, and small enough to pass through a Lambda response base64-encoded. */
export const MAX_ATTACHMENT_BYTES = 2.5 * 1024 * 1024;
export const MAX_FILENAME_CHARS = 100;

/** Where a session's attachment is served; the token is the only name the object has. */
export const ATTACHMENT_PATH_PREFIX = '/b/checkout/v1/attachments/';
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

/** A file part as the transport delivered it. */
export interface IncomingFile {
  field: string;
  filename: string;
  content: Uint8Array;
  /** The transport cut the file at its size limit. */
  truncated?: boolean;
}

/** A file that passed every check, with the type it will be served as. */
export interface CheckedAttachment {
  filename: string;
  extension: AttachmentExtension;
  contentType: string;
  content: Uint8Array;
}

const CONTENT_TYPES: Record<AttachmentExtension, string> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]; // legacy Office (doc, xls)
const ZIP = [0x50, 0x4b, 0x03, 0x04]; // PK\x03\x04: OOXML (docx, xlsx) are zip packages

const CONTENT_MATCHES: Record<AttachmentExtension, (bytes: Uint8Array) => boolean> = {
  pdf: (bytes) => startsWith(bytes, PDF),
  jpeg: (bytes) => startsWith(bytes, JPEG),
  jpg: (bytes) => startsWith(bytes, JPEG),
  png: (bytes) => startsWith(bytes, PNG),
  doc: (bytes) => startsWith(bytes, OLE2),
  xls: (bytes) => startsWith(bytes, OLE2),
  // Any zip starts with PK; only Word's part folder makes it a docx, Excel's an xlsx.
  docx: (bytes) => isOfficePackage(bytes, 'word/'),
  xlsx: (bytes) => isOfficePackage(bytes, 'xl/'),
};

export type AttachmentCheck = { ok: true; value: CheckedAttachment } | { ok: false; message: string };

/** Name, size and content checks, with Django's messages where Django has one. */
export function checkAttachment(file: IncomingFile): AttachmentCheck {
  const filename = file.filename.trim();
  if (filename === '') return fail('No filename could be determined.');
  if ([...filename].length > MAX_FILENAME_CHARS) {
    return fail(`Ensure this filename has at most ${MAX_FILENAME_CHARS} characters (it has ${[...filename].length}).`);
  }
  const extension = extensionOf(filename);
  if (!isAllowedExtension(extension)) {
    return fail(`File extension '${extension}' is not allowed. Allowed extensions are: ${ATTACHMENT_EXTENSIONS.join(', ')}.`);
  }
  if (file.content.length === 0) return fail('The submitted file is empty.');
  if (file.truncated || file.content.length > MAX_ATTACHMENT_BYTES) {
    const limit = `Ensure this file is no larger than 2.5 MB (${MAX_ATTACHMENT_BYTES} bytes)`;
    return fail(file.truncated ? `${limit}.` : `${limit}; it has ${file.content.length} bytes.`);
  }
  if (!CONTENT_MATCHES[extension](file.content)) {
    return fail(`The file's content does not match its extension '${extension}'.`);
  }
  return { ok: true, value: { filename, extension, contentType: CONTENT_TYPES[extension], content: file.content } };
}

/** A browser sends an empty, nameless part for a file input left blank: that is "no file". */
export function isBlankFilePart(file: IncomingFile): boolean {
  return file.filename === '' && file.content.length === 0;
}

export function attachmentPath(token: string): string {
  return ATTACHMENT_PATH_PREFIX + token;
}

export function isAttachmentToken(token: string): boolean {
  return TOKEN.test(token);
}

/**
 * The token of one of our attachment URLs: the bare path, or an absolute URL under `baseUrl`
 * (the API's own origin; without it only the path is accepted).
 */
export function attachmentTokenOf(url: string, baseUrl?: string): string | undefined {
  const path = url.startsWith('/') && !url.startsWith('//') ? url : pathUnder(url, baseUrl);
  if (path === undefined || !path.startsWith(ATTACHMENT_PATH_PREFIX)) return undefined;
  const token = path.slice(ATTACHMENT_PATH_PREFIX.length).replace(/\/$/, '');
  return isAttachmentToken(token) ? token : undefined;
}

function pathUnder(url: string, baseUrl: string | undefined): string | undefined {
  if (!baseUrl) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.origin !== new URL(baseUrl).origin || parsed.search !== '' || parsed.hash !== '') return undefined;
    return parsed.pathname;
  } catch {
    return undefined;
  }
}

/** Object key of a session's attachment: random, so it says nothing about the session or the file. */
export function attachmentKey(token: string): string {
  return `attachments/${token}`;
}

/** Whether `key` is a session attachment's object key (and nothing else in the bucket). */
export function isSessionAttachmentKey(key: string): boolean {
  return key.startsWith('attachments/') && isAttachmentToken(key.slice('attachments/'.length));
}

/**
 * Object key of a file uploaded on its own (upload-attachment without a session). Sessions take
 * a copy, never the upload itself, so a lifecycle rule on this prefix may expire unused uploads.
 */
export function uploadKey(token: string): string {
  return `uploads/${token}`;
}

/** Where a token's object may be: a session's attachment first, else an upload. */
export function candidateKeys(token: string): string[] {
  return [attachmentKey(token), uploadKey(token)];
}

/**
 * `Content-Disposition` that offers the original name for download: an ASCII fallback plus the
 * exact UTF-8 name (RFC 6266 / RFC 5987), so no header injection through quotes or line breaks.
 */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function fail(message: string): AttachmentCheck {
  return { ok: false, message };
}

function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? '' : filename.slice(dot + 1).toLowerCase();
}

function isAllowedExtension(extension: string): extension is AttachmentExtension {
  return (ATTACHMENT_EXTENSIONS as readonly string[]).includes(extension);
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

/** An OOXML package: a zip whose directory lists `[Content_Types].xml` and parts under `folder`. */
function isOfficePackage(bytes: Uint8Array, folder: string): boolean {
  if (!startsWith(bytes, ZIP)) return false;
  const names = zipEntryNames(bytes);
  return names !== undefined && names.includes('[Content_Types].xml') && names.some((name) => name.startsWith(folder));
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_ENTRY_SIGNATURE = 0x02014b50;
const EOCD_MIN_BYTES = 22;
const CENTRAL_ENTRY_BYTES = 46;

/**
 * The entry names of a zip's central directory, or undefined when it has none that holds
 * together. The end record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
 */
export function zipEntryNames(bytes: Uint8Array): string[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const earliest = Math.max(0, bytes.length - EOCD_MIN_BYTES - 0xffff);
  for (let end = bytes.length - EOCD_MIN_BYTES; end >= earliest; end--) {
    if (view.getUint32(end, true) !== EOCD_SIGNATURE) continue;
    const names = centralDirectory(view, bytes, end);
    if (names) return names;
  }
  return undefined;
}

function centralDirectory(view: DataView, bytes: Uint8Array, end: number): string[] | undefined {
  const count = view.getUint16(end + 10, true);
  const size = view.getUint32(end + 12, true);
  const start = view.getUint32(end + 16, true);
  if (start + size > end) return undefined;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const names: string[] = [];
  let at = start;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_ENTRY_BYTES > end || view.getUint32(at, true) !== CENTRAL_ENTRY_SIGNATURE) return undefined;
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const nameEnd = at + CENTRAL_ENTRY_BYTES + nameLength;
    if (nameEnd > end) return undefined;
    names.push(decoder.decode(bytes.subarray(at + CENTRAL_ENTRY_BYTES, nameEnd)));
    at = nameEnd + extraLength + commentLength;
  }
  return names;
}
