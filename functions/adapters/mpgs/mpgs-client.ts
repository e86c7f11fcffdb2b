import { parseExactJson } from './mpgs-json';
import { MPGS_API_VERSION, type MpgsSettings } from './mpgs-settings';

/** What one call to MPGS came to, in the terms the connector decides on. */
export type MpgsAnswer =
  /** A 2xx with MPGS's JSON. */
  | { kind: 'ok'; status: number; body: Record<string, unknown> }
  /** MPGS answered and refused (its error envelope, a 4xx): nothing happened there. */
  | { kind: 'refused'; status: number; cause: string; explanation: string; body: Record<string, unknown> }
  /**
   * No answer we can act on: a timeout, a network error, a 5xx, `SERVER_BUSY`/`SERVER_FAILED`,
   * or a body that is not MPGS's JSON. The call may or may not have happened there.
   */
  | { kind: 'unknown'; reason: string };

export const DEFAULT_MPGS_TIMEOUT_MS = 4_000;

/**
 * The MPGS REST API (version 100) over fetch: HTTP Basic `merchant.{id}` with the API password,
 * JSON both ways, a per-call timeout. The password goes into the Authorization header and nowhere
 * else; no answer or error carries it.
 */
export class MpgsClient {
  private readonly authorization: string;

  constructor(
    private readonly settings: Pick<MpgsSettings, 'host' | 'merchantId' | 'apiPassword'>,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly timeoutMs = DEFAULT_MPGS_TIMEOUT_MS,
  ) {
    this.authorization = `Basic ${Buffer.from(`merchant.${settings.merchantId}:${settings.apiPassword}`).toString('base64')}`;
  }

  /** `/api/rest/version/100/merchant/{id}` + `path`. */
  url(path: string): string {
    return `${this.settings.host}/api/rest/version/${MPGS_API_VERSION}/merchant/${encodeURIComponent(this.settings.merchantId)}${path}`;
  }

  initiateCheckout(body: object): Promise<MpgsAnswer> {
    return this.call('POST', '/session', body);
  }

  retrieveOrder(orderId: string): Promise<MpgsAnswer> {
    return this.call('GET', `/order/${encodeURIComponent(orderId)}`);
  }

  retrieveTransaction(orderId: string, transactionId: string): Promise<MpgsAnswer> {
    return this.call('GET', `/order/${encodeURIComponent(orderId)}/transaction/${encodeURIComponent(transactionId)}`);
  }

  putTransaction(orderId: string, transactionId: string, body: object): Promise<MpgsAnswer> {
    return this.call('PUT', `/order/${encodeURIComponent(orderId)}/transaction/${encodeURIComponent(transactionId)}`, body);
  }

  /** Create or Update Token from a checkout session the payer completed (the gateway makes the token). */
  createToken(body: object): Promise<MpgsAnswer> {
    return this.call('POST', '/token', body);
  }

  deleteToken(token: string): Promise<MpgsAnswer> {
    return this.call('DELETE', `/token/${encodeURIComponent(token)}`);
  }

  private async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: object): Promise<MpgsAnswer> {
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(this.url(path), {
        method,
        headers: { authorization: this.authorization, accept: 'application/json', ...(body ? { 'content-type': 'application/json;charset=UTF-8' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
      text = await response.text();
    } catch (error) {
      return { kind: 'unknown', reason: (error as Error).name === 'TimeoutError' ? 'timeout' : 'network error' };
    }
    let parsed: unknown;
    try {
      parsed = text ? parseExactJson(text) : {};
    } catch {
      return { kind: 'unknown', reason: `HTTP ${response.status} without JSON` };
    }
    const json = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    const error = (json.error ?? {}) as Record<string, unknown>;
    const cause = typeof error.cause === 'string' ? error.cause : '';
    if (response.status >= 500 || cause === 'SERVER_BUSY' || cause === 'SERVER_FAILED') return { kind: 'unknown', reason: cause || `HTTP ${response.status}` };
    if (response.status >= 200 && response.status < 300 && json.result !== 'ERROR') return { kind: 'ok', status: response.status, body: json };
    const explanation = typeof error.explanation === 'string' ? error.explanation : `HTTP ${response.status}`;
    return { kind: 'refused', status: response.status, cause: cause || `HTTP ${response.status}`, explanation, body: json };
  }
}
