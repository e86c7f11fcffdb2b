import { promises as dns, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { classifyAddress, mayCall } from '../domain/ip-address';
import type { WebhookResult, WebhookSender } from '../ports';

export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export interface HttpWebhookSenderOptions {
  /** Lets webhooks reach 127.0.0.0/8 and ::1: the embedded runtime only (CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS=1). */
  allowLoopback: boolean;
  /** Name resolution; the system resolver unless a test supplies one. */
  resolve?: Resolve;
}

const systemResolve: Resolve = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * The webhook POST, guarded against SSRF: http(s) only; every address the host resolves to
 * must be public (one private answer refuses the call); the connection goes to the address
 * that was checked, handed to the socket through a custom `lookup`, so a second DNS answer
 * (rebinding) is never used; redirects are not followed (node:http never follows them).
 * Used by both runtimes: Lambda and the embedded one make the same real HTTP call.
 */
export class HttpWebhookSender implements WebhookSender {
  private readonly resolve: Resolve;

  constructor(private readonly options: HttpWebhookSenderOptions) {
    this.resolve = options.resolve ?? systemResolve;
  }

  async post(url: string, body: string, { timeoutMs }: { timeoutMs: number }): Promise<WebhookResult> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return { kind: 'refused', reason: 'webhook_url is not a valid URL' };
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return { kind: 'refused', reason: `webhook_url scheme ${target.protocol} is not allowed` };
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const checked = await this.checkedAddress(target.hostname.replace(/^\[|\]$/g, ''), controller.signal);
      if ('kind' in checked) return checked;
      return await send(target, checked, body, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The address to connect to, or why not. */
  private async checkedAddress(host: string, signal: AbortSignal): Promise<LookupAddress | WebhookResult> {
    let addresses: LookupAddress[];
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
    else {
      try {
        addresses = await abortable(this.resolve(host), signal);
      } catch (error) {
        if (signal.aborted) return { kind: 'timeout' };
        return { kind: 'network', error: `cannot resolve ${host} (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
      }
    }
    if (addresses.length === 0) return { kind: 'network', error: `${host} has no address` };
    const blocked = addresses.find((candidate) => !mayCall(candidate.address, this.options));
    if (blocked) {
      const kind = classifyAddress(blocked.address);
      // The one refusal a developer meets on a laptop: say how to allow it (npm start only).
      const hint = kind === 'loopback' ? ' (npm start calls loopback URLs when started with CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS=1)' : '';
      return { kind: 'refused', reason: `webhook host ${host} resolves to a ${kind} address; only public addresses are called${hint}` };
    }
    return addresses[0]!;
  }
}

function send(target: URL, pinned: LookupAddress, body: string, signal: AbortSignal): Promise<WebhookResult> {
  // Whatever name the socket asks for, it gets the address we checked.
  const lookup = ((_hostname, options, callback) => {
    if (options.all) callback(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  }) as LookupFunction;
  const options: RequestOptions = {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'checkout-api-webhooks/1.0' },
    agent: false,
    lookup,
    signal,
  };
  return new Promise((resolve) => {
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, options, (response) => {
      resolve({ kind: 'response', status: response.statusCode ?? 0 });
      // Only the status matters; do not let a slow body hold the connection.
      response.destroy();
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      resolve(signal.aborted ? { kind: 'timeout' } : { kind: 'network', error: error.code ?? error.message });
    });
    request.end(body);
  });
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
