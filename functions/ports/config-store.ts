import type { AuditEntry } from '../domain/audit';
import type { MerchantConfig } from '../domain/config';

export interface ConfigStore {
  load(): Promise<MerchantConfig>;
  /**
   * The merchant's webhook HMAC keys, the one that signs Ottu's `signature` first. Two are
   * active during a rotation (domain/webhook-keys.ts, docs/webhooks.md): the timestamped header
   * carries a signature for each. They must be usable to sign, so they cannot be hashed: on AWS they live in Secrets
   * Manager (never in the table), embedded they are held in memory.
   */
  webhookKeys(): Promise<string[]>;
  /** The key that signs Ottu's `signature` field (operation answers, status documents): the first of webhookKeys(). */
  webhookKey(): Promise<string>;
  /**
   * Replaces a user's password hash by a stronger one (scrypt parameters raised) if it is still
   * `from`, with the audit entry recording it. Best effort: a concurrent change of the
   * configuration wins, and the next login tries again.
   */
  rehashPassword(username: string, from: string, to: string, audit: AuditEntry): Promise<void>;
}
