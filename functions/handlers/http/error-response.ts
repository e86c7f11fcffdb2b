import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  NotificationFailedError,
  OperationFailedError,
  OrderNoTakenError,
  PermissionDeniedError,
  ServiceUnavailableError,
  TooManyAttemptsError,
  ValidationError,
} from '../../domain/errors';
import { renderErrorPage } from '../../views/error-page';
import { logger } from '../logger';
import { MethodNotAllowedError, PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors';
import { html, json, type HttpResult } from './http-event';

/** API routes answer in JSON; the customer's pages answer with an HTML page. */
export type ErrorRendering = 'json' | 'html';

type ErrorClass = abstract new (...args: never[]) => Error;

/** The one place that knows which error is which status; all render as `{"detail": message}`. */
const DETAIL_STATUS: ReadonlyArray<[ErrorClass, number]> = [
  [BadRequestError, 400],
  [AuthenticationError, 401],
  [PermissionDeniedError, 403],
  [NotFoundError, 404],
  [MethodNotAllowedError, 405],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [TooManyAttemptsError, 429],
  [ServiceUnavailableError, 503],
];

/** The one mapping from errors to HTTP responses, in Ottu's (DRF) shapes. */
export function errorResponse(error: unknown, rendering: ErrorRendering = 'json'): HttpResult {
  const { status, body } = errorBody(error);
  // RFC 9110: how long to wait, in seconds (DRF's throttles answer the same way).
  const headers: Record<string, string> = error instanceof TooManyAttemptsError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
  if (rendering === 'json') return json(status, body, headers);
  const detail = 'detail' in body && typeof body.detail === 'string' ? body.detail : 'The request is not valid.';
  return html(status, renderErrorPage(status, detail));
}

function errorBody(error: unknown): { status: number; body: object } {
  if (error instanceof ValidationError) return { status: 400, body: error.fields };
  if (error instanceof OperationFailedError) return { status: 400, body: { detail: error.detail, operation: error.operation, result: 'failed' } };
  if (error instanceof NotificationFailedError) return { status: 400, body: { session_id: error.sessionId, order_no: error.orderNo, channels: error.channel, result: 'failed', detail: error.detail } };
  if (error instanceof OrderNoTakenError) return { status: 400, body: { order_no: ['Payment transaction with this order_no already exists.'] } };
  // Busy or unreachable (a store, a gateway): the client may retry; the log says what it was.
  if (error instanceof ServiceUnavailableError) logger.warn('service unavailable', { detail: error.message, cause: causeName(error.cause) });
  const known = DETAIL_STATUS.find(([type]) => error instanceof type);
  if (known) return { status: known[1], body: { detail: (error as Error).message } };
  // Anything else is our fault: log it whole, show nothing of it.
  logger.error('unhandled error', error as Error);
  return { status: 500, body: { detail: 'A server error occurred.' } };
}

/** The name and message of what made a 503, never its stack or request. */
function causeName(cause: unknown): string | undefined {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
}
