/**
 * The retry schedule shared by the webhook, e-mail and SMS consumers (docs/webhooks.md shows
 * it as a table). The wait before attempt n+1 doubles from 30 s and is capped at 6 h, well
 * under SQS's 12 h visibility limit; attempts continue while the nominal schedule stays within
 * 24 h, which gives 13 attempts, the last about 20.5 h after the first. Each wait is shortened
 * by a random 0–20 % (jitter), so retries from an outage spread out and never exceed 24 h.
 */
export const FIRST_RETRY_SECONDS = 30;
export const MAX_RETRY_STEP_SECONDS = 6 * 60 * 60;
export const RETRY_WINDOW_SECONDS = 24 * 60 * 60;
const JITTER = 0.2;

export function nominalDelaySeconds(attempt: number): number {
  return Math.min(MAX_RETRY_STEP_SECONDS, FIRST_RETRY_SECONDS * 2 ** (attempt - 1));
}

/** How many attempts fit in the 24 h window. */
export const MAX_ATTEMPTS = (() => {
  let at = 0;
  let attempts = 1;
  while (at + nominalDelaySeconds(attempts) <= RETRY_WINDOW_SECONDS) {
    at += nominalDelaySeconds(attempts);
    attempts += 1;
  }
  return attempts;
})();

/**
 * Seconds to wait after failed attempt `attempt` (1-based), or undefined when that was the last
 * one and the message goes to the dead-letter queue.
 */
export function retryDelaySeconds(attempt: number, random: () => number = Math.random): number | undefined {
  if (attempt >= MAX_ATTEMPTS) return undefined;
  const nominal = nominalDelaySeconds(Math.max(1, attempt));
  return Math.max(1, Math.round(nominal * (1 - JITTER * random())));
}

/** What a webhook call came to, as the WebhookSender port reports it. */
export type WebhookResult =
  | { kind: 'response'; status: number }
  | { kind: 'timeout' }
  | { kind: 'network'; error: string }
  /** The SSRF guard or URL check said no: calling again cannot help. */
  | { kind: 'refused'; reason: string };

export type WebhookVerdict = { verdict: 'delivered' } | { verdict: 'retry'; reason: string } | { verdict: 'final'; reason: string };

/** Timeouts, connection errors, 5xx, 408 and 429 are worth retrying; any other non-2xx is final. */
export function judgeWebhookResult(result: WebhookResult, timeoutMs: number): WebhookVerdict {
  switch (result.kind) {
    case 'timeout':
      return { verdict: 'retry', reason: `no response within ${timeoutMs / 1000} s` };
    case 'network':
      return { verdict: 'retry', reason: `connection failed: ${result.error}` };
    case 'refused':
      return { verdict: 'final', reason: result.reason };
    case 'response': {
      const { status } = result;
      if (status >= 200 && status < 300) return { verdict: 'delivered' };
      if (status >= 500 || status === 408 || status === 429) return { verdict: 'retry', reason: `HTTP ${status}` };
      if (status >= 300 && status < 400) return { verdict: 'final', reason: `HTTP ${status}: redirects are not followed` };
      return { verdict: 'final', reason: `HTTP ${status}` };
    }
  }
}
