import type { MerchantConfig } from '../domain/config';

export interface ConfigStore {
  load(): Promise<MerchantConfig>;
}
