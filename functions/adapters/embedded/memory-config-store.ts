import type { MerchantConfig } from '../../domain/config';
import type { ConfigStore } from '../../ports';

export class MemoryConfigStore implements ConfigStore {
  constructor(private config: MerchantConfig) {}
  async load(): Promise<MerchantConfig> {
    return this.config;
  }
  replace(config: MerchantConfig): void {
    this.config = config;
  }
}
