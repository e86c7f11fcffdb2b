import type { MerchantConfig } from '../../domain/config';
import type { ConfigStore } from '../../ports';

export class MemoryConfigStore implements ConfigStore {
  constructor(
    private config: MerchantConfig,
    private key: string,
  ) {}
  async load(): Promise<MerchantConfig> {
    return this.config;
  }
  async webhookKey(): Promise<string> {
    return this.key;
  }
  replace(config: MerchantConfig): void {
    this.config = config;
  }
}
