import { DetailError, OrderNoTakenError, ValidationError } from '../../domain/errors';
import { logger } from '../../runtime/logger';
import { renderErrorPage } from '../../views/error-page';
import { html, json, type HttpResult } from './http-event';

/** API routes answer in JSON; the customer's pages answer with an HTML page. */
export type ErrorRendering = 'json' | 'html';

/** The one mapping from errors to HTTP responses, in Ottu's (DRF) shapes. */
export function errorResponse(error: unknown, rendering: ErrorRendering = 'json'): HttpResult {
  const { status, body } = errorBody(error);
  if (rendering === 'json') return json(status, body);
  const detail = 'detail' in body && typeof body.detail === 'string' ? body.detail : 'The request is not valid.';
  return html(status, renderErrorPage(status, detail));
}

function errorBody(error: unknown): { status: number; body: object } {
  if (error instanceof ValidationError) return { status: 400, body: error.fields };
  if (error instanceof OrderNoTakenError) return { status: 400, body: { order_no: ['Payment transaction with this order_no already exists.'] } };
  if (error instanceof DetailError) return { status: error.status, body: { detail: error.message } };
  // Anything else is our fault: log it whole, show nothing of it.
  logger.error('unhandled error', error as Error);
  return { status: 500, body: { detail: 'A server error occurred.' } };
}
