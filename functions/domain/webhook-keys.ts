/**
 * The webhook key secret's value. A plain key (as it always was) is one active key. During a
 * rotation it is JSON: `{"current": new, "previous": old, "previous_until": ISO time}`. Until
 * then both keys sign the timestamped header, and the previous key still signs Ottu's
 * `signature` field, so a merchant verifying only that field (Ottu's SDKs) keeps working through
 * the overlap and one verifying the header can switch to the new key at any moment of it.
 */
export interface WebhookKeySecret {
  current: string;
  previous?: string;
  previous_until?: string;
}

export const MIN_WEBHOOK_KEY_LENGTH = 32;

export function parseWebhookSecret(text: string): WebhookKeySecret {
  if (!text.trimStart().startsWith('{')) return { current: text };
  const parsed = JSON.parse(text) as Partial<WebhookKeySecret>;
  if (typeof parsed.current !== 'string' || parsed.current === '') throw new Error('The webhook key secret has no "current" key.');
  return {
    current: parsed.current,
    ...(typeof parsed.previous === 'string' && parsed.previous && { previous: parsed.previous }),
    ...(typeof parsed.previous_until === 'string' && { previous_until: parsed.previous_until }),
  };
}

/**
 * The keys that sign at `now`, the one that signs Ottu's `signature` field first: the previous
 * key while its overlap lasts (then the current one too), else the current one alone.
 */
export function activeWebhookKeys(secret: WebhookKeySecret, now: Date): string[] {
  const previousActive = secret.previous && secret.previous_until && Date.parse(secret.previous_until) > now.getTime();
  return previousActive ? [secret.previous!, secret.current] : [secret.current];
}

/**
 * The secret after a rotation to `next`: the key signing now stays active until `overlapUntil`
 * (undefined: replaced at once, for a key known to be leaked).
 */
export function rotateWebhookSecret(stored: WebhookKeySecret | undefined, next: string, overlapUntil: Date | undefined): WebhookKeySecret {
  if (!stored || !overlapUntil) return { current: next };
  return { current: next, previous: stored.current, previous_until: overlapUntil.toISOString() };
}

export function webhookSecretText(secret: WebhookKeySecret): string {
  return secret.previous ? JSON.stringify(secret) : secret.current;
}
