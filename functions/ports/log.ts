/**
 * Where a use case reports what it could not do without failing its caller (a status that could
 * not be recorded). The Powertools logger on Lambda and locally.
 */
export interface Log {
  warn(message: string, error: Error): void;
}
