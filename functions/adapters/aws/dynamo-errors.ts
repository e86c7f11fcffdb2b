import { ServiceUnavailableError } from '../../domain/errors';

/**
 * DynamoDB failures that mean "busy, try again" rather than "wrong request". The SDK has already
 * retried them with backoff by the time we see them, so the client gets a 503 it may retry.
 */
const BUSY_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
  'InternalServerError',
  'ServiceUnavailable',
]);

/** Cancellation reason codes of a TransactWriteItems that are worth running again. */
export const RETRYABLE_CANCELLATIONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

export function isBusy(error: unknown): boolean {
  return error instanceof Error && BUSY_ERRORS.has(error.name);
}

/** Runs one DynamoDB call, turning "busy" into a ServiceUnavailableError (503). */
export async function dynamoCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isBusy(error)) throw new ServiceUnavailableError(undefined, { cause: error });
    throw error;
  }
}

export interface CancellationReason {
  Code?: string;
}

/** The per-item reasons of a TransactionCanceledException, in TransactItems order. */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  return (error as Error & { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
}
