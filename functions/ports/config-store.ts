import type { MerchantConfig } from '../domain/config';

export interface ConfigStore {
  load(): Promise<MerchantConfig>;
  /**
   * The merchant's webhook HMAC key. It must be usable to sign, so it cannot be hashed: on AWS
   * it lives in Secrets Manager (never in the table), embedded it is held in memory.
   */
  webhookKey(): Promise<string>;
}
