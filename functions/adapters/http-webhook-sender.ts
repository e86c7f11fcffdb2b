import { promises as dns, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type ClientRequestArgs, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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
 *
 * Connections are kept alive, pooled by the checked address (`PinnedPools`): a merchant that
 * gets webhooks every few seconds pays the TCP and TLS handshakes (two round trips, and the
 * client's CPU for the key exchange, billed at the worker's small memory size) once per
 * connection instead of once per webhook, and a new connection resumes the TLS session.
 */
export class HttpWebhookSender implements WebhookSender {
  private readonly resolve: Resolve;
  private readonly pools = new PinnedPools();

  constructor(private readonly options: HttpWebhookSenderOptions) {
    this.resolve = options.resolve ?? systemResolve;
  }

  async post(url: string, body: string, { timeoutMs, headers = {} }: { timeoutMs: number; headers?: Record<string, string> }): Promise<WebhookResult> {
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
      return await send(target, checked, body, headers, controller.signal, this.pools);
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

/**
 * How long a connection may stay idle in the pool: under the 5 s keep-alive of Node's own
 * servers (the shortest common default), so the pool lets go first. Node shortens it further
 * when the server announces a shorter `Keep-Alive: timeout`.
 */
const IDLE_MS = 4_000;
/** A response body longer than this is not read to its end: the connection is closed instead. */
const MAX_DRAINED_BYTES = 64 * 1024;

type PinnedRequestArgs = ClientRequestArgs & { pinned?: string };

/** The pool's name for a connection: Node's own (scheme, host, port, TLS options) plus the checked address. */
const pinnedName = (name: string, options?: PinnedRequestArgs) => `${name}|${options?.pinned ?? ''}`;

class PinnedHttpAgent extends HttpAgent {
  override getName(options?: PinnedRequestArgs): string {
    return pinnedName(super.getName(options), options);
  }
}

class PinnedHttpsAgent extends HttpsAgent {
  override getName(options?: PinnedRequestArgs & RequestOptions): string {
    return pinnedName(super.getName(options), options);
  }
}

/**
 * Kept-alive connections, one pool per scheme, host and checked address: a socket is only ever
 * reused for the address it was opened to, so pinning holds for pooled connections too.
 */
class PinnedPools {
  private readonly http = new PinnedHttpAgent({ keepAlive: true, timeout: IDLE_MS });
  private readonly https = new PinnedHttpsAgent({ keepAlive: true, timeout: IDLE_MS });

  for(target: URL): HttpAgent {
    return target.protocol === 'https:' ? this.https : this.http;
  }
}

async function send(target: URL, pinned: LookupAddress, body: string, extraHeaders: Record<string, string>, signal: AbortSignal, pools: PinnedPools): Promise<WebhookResult> {
  // Whatever name the socket asks for, it gets the address we checked.
  const lookup = ((_hostname, options, callback) => {
    if (options.all) callback(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  }) as LookupFunction;
  const options: RequestOptions & PinnedRequestArgs = {
    method: 'POST',
    headers: { ...extraHeaders, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'checkout-api-webhooks/1.0' },
    agent: pools.for(target),
    pinned: pinned.address,
    lookup,
    signal,
  };
  const first = await attempt(target, options, body, signal);
  if (first.kind === 'done') return first.result;
  // A pooled connection the server closed while it sat idle (or while Lambda was frozen) fails
  // as soon as it is written to, almost always before the server read anything: send once more
  // (webhooks are at least once anyway). The pool has dropped that connection; should the next
  // one fail so too, that is a network error.
  const second = await attempt(target, options, body, signal);
  return second.kind === 'done' ? second.result : { kind: 'network', error: second.code };
}

type Attempt = { kind: 'stale'; code: string } | { kind: 'done'; result: WebhookResult };

function attempt(target: URL, options: RequestOptions, body: string, signal: AbortSignal): Promise<Attempt> {
  return new Promise((resolve) => {
    const request: ClientRequest = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, options, (response) => {
      resolve({ kind: 'done', result: { kind: 'response', status: response.statusCode ?? 0 } });
      drain(response);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (request.reusedSocket && !signal.aborted && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) return resolve({ kind: 'stale', code: error.code });
      resolve({ kind: 'done', result: signal.aborted ? { kind: 'timeout' } : { kind: 'network', error: error.code ?? error.message } });
    });
    request.end(body);
  });
}

/**
 * Only the status matters, but a connection goes back to the pool only once its response has
 * been read to the end: read and discard a short body; close the connection on a long one.
 */
function drain(response: IncomingMessage): void {
  let bytes = 0;
  response.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > MAX_DRAINED_BYTES) response.destroy();
  });
  // The outcome is already decided: a connection lost mid-body only means it is not reused.
  response.on('error', () => {});
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
