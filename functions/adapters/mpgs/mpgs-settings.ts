import type { GatewaySetting } from '../../domain/config';

/** The API version this connector speaks (paths and answers): MPGS's version 100. */
export const MPGS_API_VERSION = 100;

/** MPGS's inquiry window: an attempt with no answer is asked about again after it (minutes). */
export const MPGS_INQUIRY_WINDOW_MINUTES = 11;

/** One MPGS gateway setting, with its secrets: what the client needs to call the gateway. */
export interface MpgsSettings {
  /** The gateway's base URL, e.g. https://ap-gateway.mastercard.com (the acquirer says which). */
  host: string;
  merchantId: string;
  apiPassword: string;
  notificationSecret: string;
}

/**
 * The setting's `connection` (host, merchant_id: in the config item) and its secrets
 * (api_password, notification_secret: in Secrets Manager), or why they do not make a usable MPGS
 * gateway. A problem names the field, never a value.
 */
export function mpgsSettings(setting: GatewaySetting, secrets: Readonly<Record<string, string>> | undefined): MpgsSettings | string {
  const host = setting.connection?.host ?? '';
  const merchantId = setting.connection?.merchant_id ?? '';
  if (!/^https?:\/\/[^/\s]+$/.test(host.replace(/\/+$/, ''))) return `gateway ${setting.code}: connection.host must be the gateway's base URL`;
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(merchantId)) return `gateway ${setting.code}: connection.merchant_id is missing or malformed`;
  if (!secrets?.api_password) return `gateway ${setting.code}: its secret has no api_password`;
  if (!secrets.notification_secret) return `gateway ${setting.code}: its secret has no notification_secret`;
  return { host: host.replace(/\/+$/, ''), merchantId, apiPassword: secrets.api_password, notificationSecret: secrets.notification_secret };
}
