import type { MerchantSettings } from './context';

/** The merchant `npm run local-mpgs` starts with: the fake's own credentials, not a real gateway's secrets. */
export const DEMO_MERCHANT: MerchantSettings = {
  id: 'TESTLOCALMPGS',
  password: 'local-mpgs-api-password',
  notificationSecret: 'local-mpgs-notification-secret',
};
