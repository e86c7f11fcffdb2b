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

/**
 * The first word of a line that needs a person (a gateway's answer that does not match the
 * attempt, a payment on a session no longer open, an automatic inquiry that gave up): the stack
 * counts these lines with a metric filter and alarms on the first (lib/stateless-stack.ts).
 */
export const ALARM_PREFIX = 'ALARM';

/** A warning's message that the alarm counts. */
export function alarmMessage(what: string): string {
  return `${ALARM_PREFIX} ${what}`;
}
