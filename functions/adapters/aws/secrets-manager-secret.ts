import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { setting } from '../../config/env';
import { uses } from '../../config/needs';
import type { Clock, SecretSource } from '../../ports';
import { systemClock } from '../system-clock';
import { secretsManagerClient } from './aws-clients';
import { TtlCache } from './ttl-cache';

/** One Secrets Manager secret's string, read at most once per `ttlMs` per warm Lambda. */
export class SecretsManagerSecret implements SecretSource {
  private readonly cache: TtlCache<string>;

  constructor(
    private readonly secrets: SecretsManagerClient,
    private readonly secretId: string,
    ttlMs = 5 * 60_000,
    clock: Clock = systemClock,
  ) {
    this.cache = new TtlCache(ttlMs, clock);
  }

  value(): Promise<string> {
    return this.cache.get(async () => {
      const { SecretString } = await this.secrets.send(new GetSecretValueCommand({ SecretId: this.secretId }));
      if (!SecretString) throw new Error(`Secret ${this.secretId} has no string value.`);
      return SecretString;
    });
  }
}

/** The payment form's CSRF secret (CHECKOUT_CSRF_SECRET_ID): the checkout page and pay functions only. */
export function csrfSecret() {
  uses({ csrfKey: true });
  return new SecretsManagerSecret(secretsManagerClient(), setting('CHECKOUT_CSRF_SECRET_ID'));
}
