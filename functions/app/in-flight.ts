/**
 * A call started ahead of the step that needs it. Its failure surfaces where it is awaited; if
 * it never is (the claim found the message delivered), the rejection is not left unhandled.
 */
export function inFlight<T>(pending: Promise<T>): Promise<T> {
  pending.catch(() => undefined);
  return pending;
}
