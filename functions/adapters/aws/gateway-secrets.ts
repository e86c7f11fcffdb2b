import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { requiredSetting, setting } from '../../config/env';
import { uses } from '../../config/needs';
import type { Clock, PaymentGateways } from '../../ports';
import { connectorTable, type GatewaySecrets } from '../connectors';
import { systemClock } from '../system-clock';
import { secretsManagerClient } from './aws-clients';
import { TtlCache } from './ttl-cache';

/** How long a warm Lambda keeps a gateway's secrets (a rotation reaches it within this). */
export const GATEWAY_SECRET_TTL_MS = 5 * 60_000;

/**
 * The gateways' secrets in Secrets Manager, `<prefix><pg_code>` each (config/gateway-secrets.ts).
 * Values are never logged nor put in an error: a malformed one is named by its pg_code only.
 */
export class SecretsManagerGatewaySecrets implements GatewaySecrets {
  private readonly caches = new Map<string, TtlCache<Readonly<Record<string, string>> | undefined>>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly prefix: string,
    private readonly clock: Clock = systemClock,
  ) {}

  read(pgCode: string): Promise<Readonly<Record<string, string>> | undefined> {
    let cache = this.caches.get(pgCode);
    if (!cache) this.caches.set(pgCode, (cache = new TtlCache(GATEWAY_SECRET_TTL_MS, this.clock)));
    return cache.get(() => this.fetch(pgCode));
  }

  private async fetch(pgCode: string): Promise<Readonly<Record<string, string>> | undefined> {
    try {
      const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: `${this.prefix}${pgCode}` }));
      const value: unknown = SecretString ? JSON.parse(SecretString) : undefined;
      if (typeof value !== 'object' || value === null || Object.values(value).some((field) => typeof field !== 'string')) throw new Error('malformed');
      return value as Record<string, string>;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      // Never the value, nor the SDK's message (which may quote it): the name of what failed.
      throw new Error(`The secret of gateway ${pgCode} could not be read (${(error as Error).name}).`);
    }
  }
}

/** The connectors table on AWS: gateway secrets from Secrets Manager (the functions that call a gateway). */
export function awsPaymentGateways(): PaymentGateways {
  uses({ gatewaySecrets: true });
  return connectorTable({
    secrets: new SecretsManagerGatewaySecrets(secretsManagerClient(), requiredSetting('CHECKOUT_GATEWAY_SECRET_PREFIX')),
    timeoutMs: setting('CHECKOUT_GATEWAY_TIMEOUT_MS'),
  });
}
