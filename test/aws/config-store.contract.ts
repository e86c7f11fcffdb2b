import type { MerchantConfig } from '../../functions/domain/config';
import type { ConfigStore } from '../../functions/ports';

export interface ConfigStoreHarness {
  store: ConfigStore;
  /** What the store was set up with. */
  config: MerchantConfig;
  webhookKey: string;
}

/** What every ConfigStore must do; run against each adapter with the same assertions. */
export function configStoreContract(harness: () => Promise<ConfigStoreHarness>): void {
  let h: ConfigStoreHarness;
  beforeAll(async () => {
    h = await harness();
  });

  test('load returns the merchant configuration it holds', async () => {
    expect(await h.store.load()).toEqual(h.config);
  });

  test('webhookKey returns the signing key in clear (it must sign)', async () => {
    expect(await h.store.webhookKey()).toBe(h.webhookKey);
  });

  test('repeated loads agree', async () => {
    const [a, b] = await Promise.all([h.store.load(), h.store.load()]);
    expect(a).toEqual(b);
  });
}
