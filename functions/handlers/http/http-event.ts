import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { Principal } from '../../domain/permissions';
import { contentSecurityPolicy } from '../../views/layout';

/** An uploaded file part of a multipart body. */
export interface UploadedFile {
  field: string;
  filename: string;
  mimetype: string;
  content: Buffer;
  truncated: boolean;
}

/** The API Gateway v2 event once the middlewares have parsed the body and the caller. */
export type HttpEvent = Omit<APIGatewayProxyEventV2, 'body'> & {
  body: unknown;
  rawBody?: Buffer;
  files?: UploadedFile[];
  principal?: Principal;
  /** The public base URL for links: CHECKOUT_PUBLIC_URL, or the host the request came to. */
  baseUrl: string;
};

export type HttpResult = Exclude<APIGatewayProxyResultV2, string> & { statusCode: number; body: string; headers: Record<string, string> };

const BASE_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...BASE_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/**
 * Headers of every customer-facing page and redirect: never cached (it shows a payment's
 * state), never framed (clickjacking), no referrer (the URL holds the session id) and the
 * strict policy of views/layout.ts, which callers may widen with their own
 * `content-security-policy` header.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

export function html(statusCode: number, body: string, headers: Record<string, string> = {}, cookies?: string[]): HttpResult {
  return { statusCode, headers: { ...PAGE_HEADERS, 'content-security-policy': contentSecurityPolicy(), ...headers }, body, ...(cookies && { cookies }) };
}

export function redirect(statusCode: 302 | 303, location: string): HttpResult {
  const { 'content-type': _type, ...headers } = PAGE_HEADERS;
  return { statusCode, headers: { ...headers, 'content-security-policy': contentSecurityPolicy(), location }, body: '' };
}

