/**
 * Where a use case reports what it did (one delivery attempt: a webhook, an e-mail, an SMS) and
 * what it could not do without failing its caller (a status that could not be recorded). The
 * Powertools logger on Lambda (structured JSON in CloudWatch); locally, the console's activity
 * log, which prints one readable line each and feeds the dashboard.
 */
export interface Log {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, error: Error): void;
}
