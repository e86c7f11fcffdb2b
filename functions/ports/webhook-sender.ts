import type { WebhookResult } from '../domain/delivery-schedule';

export type { WebhookResult };

export interface WebhookSender {
  /**
   * POSTs a JSON body to a merchant URL once: no redirects, a timeout, and only to addresses
   * the SSRF guard allows, with `headers` besides its own (the signature header). Never throws for the remote side's failures; it reports them.
   */
  post(url: string, body: string, options: { timeoutMs: number; headers?: Record<string, string> }): Promise<WebhookResult>;
}
