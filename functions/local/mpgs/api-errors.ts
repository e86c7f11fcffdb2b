/**
 * MPGS's error envelope: `{"error":{"cause","explanation","field","validationType"},"result":"ERROR"}`.
 * A client-side error is INVALID_REQUEST whatever its HTTP status (400 malformed, 401 failed
 * authentication: the documentation's "API Error Handling" page); SERVER_BUSY and SERVER_FAILED
 * are the gateway's own troubles (try again later); REQUEST_REJECTED is a security refusal.
 */

export type ErrorCause = 'INVALID_REQUEST' | 'REQUEST_REJECTED' | 'SERVER_BUSY' | 'SERVER_FAILED';
export type ValidationType = 'MISSING' | 'INVALID' | 'UNSUPPORTED';

export interface ApiError {
  kind: 'api-error';
  status: number;
  cause: ErrorCause;
  explanation: string;
  field?: string;
  validationType?: ValidationType;
}

export function invalid(field: string | undefined, explanation: string, validationType: ValidationType | undefined = field ? 'INVALID' : undefined): ApiError {
  return { kind: 'api-error', status: 400, cause: 'INVALID_REQUEST', explanation, ...(field && { field }), ...(validationType && { validationType }) };
}

export function missing(field: string): ApiError {
  return invalid(field, `Missing parameter ${field}`, 'MISSING');
}

export const INVALID_CREDENTIALS: ApiError = { kind: 'api-error', status: 401, cause: 'INVALID_REQUEST', explanation: 'Invalid credentials.' };

export function serverError(cause: 'SERVER_BUSY' | 'SERVER_FAILED'): ApiError {
  return cause === 'SERVER_BUSY'
    ? { kind: 'api-error', status: 503, cause, explanation: 'The server did not have enough resources to process the request at the moment.' }
    : { kind: 'api-error', status: 500, cause, explanation: 'An internal system failure occurred.' };
}

export function isApiError(value: unknown): value is ApiError {
  return typeof value === 'object' && value !== null && (value as ApiError).kind === 'api-error';
}

export function errorBody(error: ApiError): object {
  const { cause, explanation, field, validationType } = error;
  return { error: { cause, explanation, field, validationType }, result: 'ERROR' };
}
