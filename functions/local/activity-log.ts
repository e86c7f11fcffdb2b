import type { Log } from '../ports';

/** One thing the local runtime did: a request served, a delivery attempted, a warning. */
export interface Activity {
  at: string;
  kind: 'request' | 'webhook' | 'email' | 'sms' | 'warning' | 'info';
  message: string;
  session_id?: string;
  [field: string]: unknown;
}

export type LogFormat = 'text' | 'json';

/** What the gateway reports per request. */
export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  request_id: string;
  session_id?: string;
  /** The order_no the request's body named, when it named no session_id (an operation by order_no). */
  order_no?: string;
}

const KEEP = 2000;

/**
 * npm start's console and the dashboard's memory: the gateway reports each request here and the
 * worker handler modules report each delivery attempt (the `Log` port they are wired with). Each
 * entry prints as one readable line (`text`) or one JSON object (`json`), or not at all (tests),
 * and the last few thousand are kept for /_local/.
 */
export class ActivityLog implements Log {
  readonly entries: Activity[] = [];

  constructor(private readonly options: { format?: LogFormat; print?: (line: string) => void; now?: () => Date } = {}) {}

  request(record: RequestRecord): void {
    this.add({ kind: 'request', message: 'request', ...record });
  }

  info(message: string, fields: Record<string, unknown>): void {
    const kind = message.startsWith('webhook') ? 'webhook' : message.startsWith('email') ? 'email' : message.startsWith('sms') ? 'sms' : 'info';
    this.add({ kind, message, ...fields });
  }

  warn(message: string, error: Error): void {
    this.add({ kind: 'warning', message, error: `${error.name}: ${error.message}` });
  }

  /** Entries about one session, oldest first. */
  forSession(sessionId: string): Activity[] {
    return this.entries.filter((entry) => entry.session_id === sessionId);
  }

  private add(fields: Omit<Activity, 'at'>): void {
    const entry = { at: (this.options.now?.() ?? new Date()).toISOString(), ...fields } as Activity;
    this.entries.push(entry);
    if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP);
    const print = this.options.print;
    if (!print) return;
    if (this.options.format === 'json') {
      const { at, kind, message, ...rest } = entry;
      print(JSON.stringify({ level: kind === 'warning' ? 'WARN' : 'INFO', timestamp: at, service: 'checkout-api-local', kind, message, ...rest }));
    } else print(formatLine(entry));
  }
}

/** `10:31:07.120 POST /b/checkout/v1/pymt-txn/ 201 12 ms  req 3e0c…` and the like. */
export function formatLine(entry: Activity): string {
  const time = entry.at.slice(11, 23);
  const field = (name: string) => (entry[name] === undefined || entry[name] === null ? '' : String(entry[name]));
  switch (entry.kind) {
    case 'request':
      return `${time} ${field('method')} ${field('path')} ${field('status')} ${field('duration_ms')} ms  req ${field('request_id')}`;
    case 'webhook': {
      const status = entry.status_code ? `HTTP ${field('status_code')}` : field('error') || 'no response';
      const next = entry.next_retry_seconds !== null && entry.next_retry_seconds !== undefined ? `, next retry in ${seconds(Number(entry.next_retry_seconds))}` : '';
      const why = entry.outcome === 'failed' && entry.error ? ` (${field('error')})` : '';
      return `${time}   webhook ${field('event')} → ${field('url')} ${status}, attempt ${field('attempt')}: ${field('outcome')}${why}${next}`;
    }
    case 'email':
    case 'sms': {
      const next = entry.next_retry_seconds !== null && entry.next_retry_seconds !== undefined ? `, next retry in ${seconds(Number(entry.next_retry_seconds))}` : '';
      const why = entry.error ? ` (${field('error')})` : '';
      return `${time}   ${entry.kind === 'email' ? 'e-mail' : 'SMS'} ${field('event')} → ${field('to')}, attempt ${field('attempt')}: ${field('outcome')}${why}${next}`;
    }
    case 'warning':
      return `${time} warning: ${entry.message}: ${field('error')}`;
    default:
      return `${time} ${entry.message}`;
  }
}

function seconds(value: number): string {
  if (value < 1) return `${Math.round(value * 1000)} ms`;
  if (value < 120) return `${Math.round(value)} s`;
  if (value < 7200) return `${Math.round(value / 60)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}
