/**
 * Fault switches, for tests: set programmatically (`control` of startLocalMpgs) or over HTTP
 * (POST /_fake/faults with the same JSON), so a test can drive a fake running in another
 * process. Each counted switch wears off after its count of API calls.
 */

/**
 * How a failing API call answers: `server-failed` 500 and `server-busy` 503 in MPGS's error
 * envelope (SERVER_FAILED, SERVER_BUSY), `bad-gateway` a bare 502 from a proxy in front of it.
 */
export type FailureKind = 'server-failed' | 'server-busy' | 'bad-gateway';

export interface FailNext {
  count: number;
  kind: FailureKind;
  /** True: the call is carried out, then answered with the failure (the client cannot know it happened). */
  applied?: boolean;
  /** Only calls with this method count (e.g. PUT: only operations). */
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
}

export interface DelayNext {
  count: number;
  /** The answer (of a call already carried out) leaves this many milliseconds late. */
  ms: number;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
}

/**
 * Webhook notifications: `deliver` each once (retried until a 2xx), `duplicate` each twice
 * (same X-Notification-Id), `out-of-order` each held until the next one of that merchant is
 * sent first, `never` none (recorded as dropped).
 */
export type NotificationMode = 'deliver' | 'duplicate' | 'out-of-order' | 'never';

export interface FaultSettings {
  failNext?: FailNext;
  delayNext?: DelayNext;
  /** The hosted form takes the payment, then shows a page instead of sending the payer back. */
  browserNeverReturns?: boolean;
  notifications?: NotificationMode;
}

export interface FaultState {
  failNext: FailNext | null;
  delayNext: DelayNext | null;
  browserNeverReturns: boolean;
  notifications: NotificationMode;
}

export interface ApiFault {
  fail?: { kind: FailureKind; applied: boolean };
  delayMs?: number;
}

const KINDS: readonly FailureKind[] = ['server-failed', 'server-busy', 'bad-gateway'];
const MODES: readonly NotificationMode[] = ['deliver', 'duplicate', 'out-of-order', 'never'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

export class FaultSwitches {
  private state: FaultState = FaultSwitches.cleared();

  private static cleared(): FaultState {
    return { failNext: null, delayNext: null, browserNeverReturns: false, notifications: 'deliver' };
  }

  /** Sets the switches given (the others stay); throws on a setting it does not know. */
  set(settings: FaultSettings): FaultState {
    const checked = checkSettings(settings);
    if (checked.failNext !== undefined) this.state.failNext = checked.failNext.count > 0 ? checked.failNext : null;
    if (checked.delayNext !== undefined) this.state.delayNext = checked.delayNext.count > 0 ? checked.delayNext : null;
    if (checked.browserNeverReturns !== undefined) this.state.browserNeverReturns = checked.browserNeverReturns;
    if (checked.notifications !== undefined) this.state.notifications = checked.notifications;
    return this.current();
  }

  failNext(count: number, kind: FailureKind, options: { applied?: boolean; method?: FailNext['method'] } = {}): void {
    this.set({ failNext: { count, kind, ...options } });
  }

  delayNext(count: number, ms: number, method?: DelayNext['method']): void {
    this.set({ delayNext: { count, ms, ...(method && { method }) } });
  }

  browserNeverReturns(on = true): void {
    this.set({ browserNeverReturns: on });
  }

  notifications(mode: NotificationMode): void {
    this.set({ notifications: mode });
  }

  reset(): void {
    this.state = FaultSwitches.cleared();
  }

  current(): FaultState {
    return structuredClone(this.state);
  }

  /** The faults the next API call meets (and uses up). */
  takeApiFault(method: string): ApiFault {
    const fault: ApiFault = {};
    const { failNext, delayNext } = this.state;
    if (failNext && (!failNext.method || failNext.method === method)) {
      fault.fail = { kind: failNext.kind, applied: failNext.applied === true };
      failNext.count -= 1;
      if (failNext.count <= 0) this.state.failNext = null;
    }
    if (delayNext && (!delayNext.method || delayNext.method === method)) {
      fault.delayMs = delayNext.ms;
      delayNext.count -= 1;
      if (delayNext.count <= 0) this.state.delayNext = null;
    }
    return fault;
  }
}

function count(value: unknown, name: string): number {
  if (!Number.isInteger(value) || (value as number) < 0) throw new Error(`${name} must be a whole number ≥ 0`);
  return value as number;
}

function method(value: unknown, name: string): FailNext['method'] {
  if (value === undefined) return undefined;
  if (!METHODS.includes(value as (typeof METHODS)[number])) throw new Error(`${name} must be one of ${METHODS.join(', ')}`);
  return value as FailNext['method'];
}

/** The settings as given over HTTP, checked (an unknown key or value is an error, never ignored). */
export function checkSettings(input: unknown): FaultSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('fault settings must be a JSON object');
  const settings = input as Record<string, unknown>;
  const known = ['failNext', 'delayNext', 'browserNeverReturns', 'notifications'];
  const unknown = Object.keys(settings).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`unknown fault switch: ${unknown.join(', ')} (known: ${known.join(', ')})`);
  const checked: FaultSettings = {};
  if (settings.failNext !== undefined) {
    const fail = (settings.failNext ?? {}) as Record<string, unknown>;
    if (!KINDS.includes(fail.kind as FailureKind)) throw new Error(`failNext.kind must be one of ${KINDS.join(', ')}`);
    if (fail.applied !== undefined && typeof fail.applied !== 'boolean') throw new Error('failNext.applied must be true or false');
    const only = method(fail.method, 'failNext.method');
    checked.failNext = { count: count(fail.count, 'failNext.count'), kind: fail.kind as FailureKind, applied: fail.applied === true, ...(only && { method: only }) };
  }
  if (settings.delayNext !== undefined) {
    const delay = (settings.delayNext ?? {}) as Record<string, unknown>;
    const only = method(delay.method, 'delayNext.method');
    checked.delayNext = { count: count(delay.count, 'delayNext.count'), ms: count(delay.ms, 'delayNext.ms'), ...(only && { method: only }) };
  }
  if (settings.browserNeverReturns !== undefined) {
    if (typeof settings.browserNeverReturns !== 'boolean') throw new Error('browserNeverReturns must be true or false');
    checked.browserNeverReturns = settings.browserNeverReturns;
  }
  if (settings.notifications !== undefined) {
    if (!MODES.includes(settings.notifications as NotificationMode)) throw new Error(`notifications must be one of ${MODES.join(', ')}`);
    checked.notifications = settings.notifications as NotificationMode;
  }
  return checked;
}
