/**
 * The provider refused this message for good (SES MessageRejected, SNS InvalidParameter such
 * as a number that is not E.164): sending it again cannot succeed, so it is recorded on the
 * session and not retried. Every other provider error is treated as transient.
 */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}
