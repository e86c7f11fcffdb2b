import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { INVALID_CREDENTIALS, invalid, isApiError, serverError, type ApiError } from './api-errors';
import { checkoutRequest, operationRequest, tokenRequest, validToken, validTransactionId } from './api-requests';
import type { GatewayContext, MerchantSettings } from './context';
import type { ApiFault } from './faults';
import { sendError, sendJson } from './http-io';
import { jsonText } from './json-text';
import { notify } from './notify-order';
import { checkoutJson, orderJson, transactionJson } from './order-json';
import { deleteToken, payWithToken, retrieveToken, saveToken } from './token-routes';

/**
 * The REST API: `/api/rest/version/{version}/merchant/{merchantId}/…`, Basic auth as
 * `merchant.{merchantId}` with the API password. Version 100 only: the fake answers in the
 * shape of version 100, so any other version is refused as a real gateway refuses one it does
 * not support. A successful POST or PUT answers 201 (the documentation: "the gateway uses the
 * 201 status code for successful requests"), a GET 200.
 */

export const API_VERSION = '100';

type Answer = { status: number; body: object } | ApiError;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The merchant the request authenticates as, or undefined. */
function authenticated(req: IncomingMessage, merchantId: string, merchants: ReadonlyMap<string, MerchantSettings>): MerchantSettings | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const merchant = merchants.get(merchantId);
  if (!merchant || decoded.slice(0, colon) !== `merchant.${merchantId}`) return undefined;
  return sameSecret(decoded.slice(colon + 1), merchant.password) ? merchant : undefined;
}

function jsonObject(text: string): Record<string, unknown> | ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return invalid(undefined, 'Request body is not valid JSON');
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : invalid(undefined, 'Request body must be a JSON object');
}

/** One API call: `rest` is the path after `/api/rest/version/`, decoded. */
export async function handleApi(context: GatewayContext, req: IncomingMessage, res: ServerResponse, rest: string[], body: string): Promise<void> {
  const [version, merchantLiteral, merchantId, ...resource] = rest;
  if (merchantLiteral !== 'merchant' || !merchantId) return sendError(res, { ...invalid(undefined, 'Unknown resource'), status: 404 });
  const merchant = authenticated(req, merchantId, context.merchants);
  if (!merchant) return sendError(res, INVALID_CREDENTIALS);
  if (version !== API_VERSION) return sendError(res, invalid(undefined, `API version ${version} is not supported; use version ${API_VERSION}`));
  const fault = context.faults.takeApiFault(req.method ?? 'GET');
  if (fault.fail && !fault.fail.applied) return answerFault(res, fault);
  const answer = route(context, merchant, req.method ?? 'GET', resource, body);
  if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault.fail) return answerFault(res, fault);
  if (isApiError(answer)) return sendError(res, answer);
  sendJson(res, answer.status, answer.body);
}

async function answerFault(res: ServerResponse, fault: ApiFault): Promise<void> {
  if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault.fail!.kind === 'bad-gateway') {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    return;
  }
  sendError(res, serverError(fault.fail!.kind === 'server-busy' ? 'SERVER_BUSY' : 'SERVER_FAILED'));
}

function route(context: GatewayContext, merchant: MerchantSettings, method: string, resource: string[], body: string): Answer {
  const [kind, orderId, transactionLiteral, transactionId, ...extra] = resource;
  if (kind === 'session' && resource.length === 1) {
    return method === 'POST' ? initiateCheckout(context, merchant, body) : methodNotAllowed('POST');
  }
  if (kind === 'token' && resource.length <= 2) return tokenRoute(context, merchant, method, resource[1], body);
  if (kind === 'order' && orderId && resource.length === 2) {
    return method === 'GET' ? retrieveOrder(context, merchant, orderId) : methodNotAllowed('GET');
  }
  if (kind === 'order' && orderId && transactionLiteral === 'transaction' && transactionId !== undefined && extra.length === 0) {
    if (!validTransactionId(transactionId)) return invalid('transactionId', 'Transaction ID must be 1 to 40 characters');
    if (method === 'GET') return retrieveTransaction(context, merchant, orderId, transactionId);
    if (method === 'PUT') return operate(context, merchant, orderId, transactionId, body);
    return methodNotAllowed('GET, PUT');
  }
  return { ...invalid(undefined, 'Unknown resource'), status: 404 };
}

/** `…/token` (POST: the gateway makes the token) and `…/token/{tokenId}` (PUT, GET, DELETE). */
function tokenRoute(context: GatewayContext, merchant: MerchantSettings, method: string, tokenId: string | undefined, text: string): Answer {
  if (tokenId === undefined) return method === 'POST' ? saveTokenFrom(context, merchant, text) : methodNotAllowed('POST');
  if (!validToken(tokenId)) return invalid('tokenid', 'A token is 1 to 40 letters or digits');
  if (method === 'PUT') return saveTokenFrom(context, merchant, text, tokenId);
  if (method === 'GET') return retrieveToken(context, merchant, tokenId);
  if (method === 'DELETE') return deleteToken(context, merchant, tokenId);
  return methodNotAllowed('PUT, GET, DELETE');
}

function saveTokenFrom(context: GatewayContext, merchant: MerchantSettings, text: string, tokenId?: string): Answer {
  const body = jsonObject(text);
  if (isApiError(body)) return body;
  const request = tokenRequest(body);
  return isApiError(request) ? request : saveToken(context, merchant, request.sessionId, tokenId);
}

function methodNotAllowed(allowed: string): ApiError {
  return { ...invalid(undefined, `Method not allowed on this resource (allowed: ${allowed})`), status: 405 };
}

function initiateCheckout(context: GatewayContext, merchant: MerchantSettings, text: string): Answer {
  const body = jsonObject(text);
  if (isApiError(body)) return body;
  const request = checkoutRequest(body, merchant.currencies);
  if (isApiError(request)) return request;
  const session = context.book.initiateCheckout(merchant.id, request);
  return isApiError(session) ? session : { status: 201, body: checkoutJson(session) };
}

function noOrder(orderId: string): ApiError {
  return invalid(undefined, `No order with ID ${orderId} exists for this merchant`);
}

function retrieveOrder(context: GatewayContext, merchant: MerchantSettings, orderId: string): Answer {
  const order = context.book.order(merchant.id, orderId);
  return order ? { status: 200, body: orderJson(order) } : noOrder(orderId);
}

function retrieveTransaction(context: GatewayContext, merchant: MerchantSettings, orderId: string, transactionId: string): Answer {
  const order = context.book.order(merchant.id, orderId);
  if (!order) return noOrder(orderId);
  const transaction = order.transactions.find((txn) => txn.id === transactionId);
  return transaction ? { status: 200, body: transactionJson(order, transaction) } : invalid(undefined, `No transaction with ID ${transactionId} on order ${orderId}`);
}

function operate(context: GatewayContext, merchant: MerchantSettings, orderId: string, transactionId: string, text: string): Answer {
  const body = jsonObject(text);
  if (isApiError(body)) return body;
  const request = operationRequest(body);
  if (isApiError(request)) return request;
  if ('token' in request) return payWithToken(context, merchant, orderId, transactionId, request);
  const done = context.book.operate(merchant.id, orderId, transactionId, request);
  if (isApiError(done)) return done;
  const answer = transactionJson(done.order, done.transaction);
  if (!done.repeated) notify(context, merchant, done.order, done.transaction.id, jsonText(answer));
  return { status: 201, body: answer };
}
