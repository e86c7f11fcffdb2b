import { DetailError, OrderNoTakenError, ValidationError } from '../../domain/errors';
import { logger } from '../../runtime/logger';
import { json, type HttpResult } from './http-event';

/** The one mapping from errors to HTTP responses, in Ottu's (DRF) shapes. */
export function errorResponse(error: unknown): HttpResult {
  if (error instanceof ValidationError) return json(400, error.fields);
  if (error instanceof OrderNoTakenError) return json(400, { order_no: ['Payment transaction with this order_no already exists.'] });
  if (error instanceof DetailError) return json(error.status, { detail: error.message });
  // Anything else is our fault: log it whole, show nothing of it.
  logger.error('unhandled error', error as Error);
  return json(500, { detail: 'A server error occurred.' });
}
