import { ConflictError, OrderNoTakenError, ValidationError, VersionConflictError } from '../domain/errors';

/** Runs a repository write and turns its domain outcomes into what the client should see. */
export async function saveOrReport(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (error instanceof OrderNoTakenError) {
      throw new ValidationError({ order_no: ['Payment transaction with this order_no already exists.'] });
    }
    if (error instanceof VersionConflictError) {
      throw new ConflictError('The payment transaction was changed by another request at the same time. Retry with the current state.');
    }
    throw error;
  }
}
