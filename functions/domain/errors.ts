/**
 * Typed domain errors. Each carries what the client may see; one mapper
 * (handlers/http/error-response.ts) turns them into Ottu's (Django REST framework) shapes.
 */

/** `{"field": ["message"], "nested": {"sub": ["message"]}}` */
export interface FieldErrors {
  [field: string]: string[] | FieldErrors;
}

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(readonly fields: FieldErrors) {
    super('Invalid input');
  }
}

/** Another live session already holds this order_no. */
export class OrderNoTakenError extends Error {
  override readonly name = 'OrderNoTakenError';
  constructor(readonly orderNo: string) {
    super(`order_no ${orderNo} is taken`);
  }
}

/** The stored version moved on since it was read: someone else wrote first. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} changed concurrently`);
  }
}

/** Errors rendered as `{"detail": ...}` with a fixed status. */
export abstract class DetailError extends Error {
  abstract readonly status: number;
}

export class BadRequestError extends DetailError {
  override readonly name = 'BadRequestError';
  readonly status = 400;
}
export class AuthenticationError extends DetailError {
  override readonly name = 'AuthenticationError';
  readonly status = 401;
  constructor(message = 'Authentication credentials were not provided.') {
    super(message);
  }
}
export class PermissionDeniedError extends DetailError {
  override readonly name = 'PermissionDeniedError';
  readonly status = 403;
  constructor(message = 'You do not have permission to perform this action.') {
    super(message);
  }
}
export class NotFoundError extends DetailError {
  override readonly name = 'NotFoundError';
  readonly status = 404;
  constructor(message = 'Not found.') {
    super(message);
  }
}
export class MethodNotAllowedError extends DetailError {
  override readonly name = 'MethodNotAllowedError';
  readonly status = 405;
  constructor(method: string) {
    super(`Method "${method}" not allowed.`);
  }
}
export class ConflictError extends DetailError {
  override readonly name = 'ConflictError';
  readonly status = 409;
}
export class PayloadTooLargeError extends DetailError {
  override readonly name = 'PayloadTooLargeError';
  readonly status = 413;
  constructor(limitBytes: number) {
    super(`Request body exceeds the limit of ${limitBytes} bytes.`);
  }
}
export class UnsupportedMediaTypeError extends DetailError {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly status = 415;
  constructor(contentType: string) {
    super(`Unsupported media type "${contentType}" in request.`);
  }
}
export class TooManyRequestsError extends DetailError {
  override readonly name = 'TooManyRequestsError';
  readonly status = 429;
  constructor(message = 'Request was throttled.') {
    super(message);
  }
}
/** A dependency is briefly unavailable (throttling, transaction conflict): safe to retry. */
export class ServiceUnavailableError extends DetailError {
  override readonly name = 'ServiceUnavailableError';
  readonly status = 503;
  constructor(message = 'Service temporarily unavailable, try again.') {
    super(message);
  }
}
