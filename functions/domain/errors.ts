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

/**
 * Errors a client may read as one sentence (`{"detail": ...}`). They say what went wrong, not
 * which HTTP status that is: handlers/http/error-response.ts decides that.
 */
export abstract class DetailError extends Error {}

/** The request cannot be processed as sent (a malformed header, an unusable key). */
export class BadRequestError extends DetailError {
  override readonly name = 'BadRequestError';
}
export class AuthenticationError extends DetailError {
  override readonly name = 'AuthenticationError';
  constructor(message = 'Authentication credentials were not provided.') {
    super(message);
  }
}
export class PermissionDeniedError extends DetailError {
  override readonly name = 'PermissionDeniedError';
  constructor(message = 'You do not have permission to perform this action.') {
    super(message);
  }
}
export class NotFoundError extends DetailError {
  override readonly name = 'NotFoundError';
  constructor(message = 'Not found.') {
    super(message);
  }
}
/** The resource is not in a state that allows this (a paid session cannot be edited). */
export class ConflictError extends DetailError {
  override readonly name: string = 'ConflictError';
}
/** The stored version moved on since it was read: someone else wrote first; retry on what is there now. */
export class VersionConflictError extends ConflictError {
  override readonly name = 'VersionConflictError';
  constructor(readonly sessionId: string) {
    super('The payment transaction was changed by another request at the same time. Retry with the current state.');
  }
}
/**
 * A session write that starts an auto-debit charge was refused by its agreement's cycles
 * (another charge pending, total_cycles reached, cycle_interval_days not passed) as they stood
 * at the write: nothing was written. The caller reads the cycles again to say which.
 */
export class AgreementCycleRefusedError extends ConflictError {
  override readonly name = 'AgreementCycleRefusedError';
  constructor(readonly agreementId: string) {
    super(`Agreement ${agreementId} allows no charge now; nothing was charged.`);
  }
}
/** Too many failed authentications of this user, key or address: locked for a while, no credentials checked. */
export class TooManyAttemptsError extends DetailError {
  override readonly name = 'TooManyAttemptsError';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed authentication attempts. Try again in ${retryAfterSeconds} seconds.`);
  }
}
/** A dependency is briefly unavailable (throttling, transaction conflict): safe to retry. */
export class ServiceUnavailableError extends DetailError {
  override readonly name = 'ServiceUnavailableError';
  /** `cause`: what was busy (a DynamoDB error), for the log line; the answer never shows it. */
  constructor(message = 'Service temporarily unavailable, try again.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * An operation (refund, capture, void, cancel, expire, delete) the session's state or amounts
 * do not allow, or that the gateway rejected: Ottu's `{detail, operation, result: "failed"}`.
 */
export class OperationFailedError extends Error {
  override readonly name = 'OperationFailedError';
  constructor(
    readonly operation: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/**
 * A notification the message-notification endpoint could not send again (the session did not ask
 * for its current event on that channel): Ottu's MessageNotificationFailure,
 * `{session_id, order_no, channels, result: "failed", detail}`.
 */
export class NotificationFailedError extends Error {
  override readonly name = 'NotificationFailedError';
  constructor(
    readonly sessionId: string,
    readonly orderNo: string | null,
    readonly channel: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}
