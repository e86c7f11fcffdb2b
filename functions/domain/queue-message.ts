/**
 * A queue message's body as an object, or undefined when it is not JSON of one: the first step
 * of reading any of our messages (a delivery, an inquiry), before checking its own fields.
 */
export function jsonObject(body: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
