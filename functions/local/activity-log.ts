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

  constructor(
    private readonly options: {
      format?: LogFormat;
      print?: (line: string) => void;
      now?: () => Date;
      /** CHECKOUT_LOCAL_DELAY_SCALE: retry waits are this times the schedule's, and the lines say both. */
      delayScale?: number;
    } = {},
  ) {}

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

  /**
   * One record of the handlers' Powertools logger (a JSON line): kept for the dashboard and, with
   * the readable console, printed as a line like every other (LOG_FORMAT=json prints it as it is).
   */
  handlerLog(text: string): void {
    const record = powertoolsRecord(text);
    if (!record) {
      this.add({ kind: 'info', message: text.trim() });
      return;
    }
    const { level, message, ...fields } = record;
    this.add({ kind: level === 'WARN' || level === 'ERROR' || level === 'CRITICAL' ? 'warning' : 'info', message: String(message ?? ''), level, ...fields });
  }

  /** Entries about one session, oldest first. */
  forSession(sessionId: string): Activity[] {
    return this.entries.filter((entry) => entry.session_id === sessionId);
  }

  private add(fields: Omit<Activity, 'at'>): void {
    const entry = { at: (this.options.now?.() ?? new Date()).toISOString(), ...fields } as Activity;
    // Scaled waits: the schedule's (nominal) wait stays in next_retry_seconds, the real one beside it.
    const scale = this.options.delayScale ?? 1;
    if (scale !== 1 && typeof entry.next_retry_seconds === 'number') entry.next_retry_actual_seconds = entry.next_retry_seconds * scale;
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

/** Output of emulated Lambdas (lines, each ending in a newline) with every Powertools record made readable. */
export function readableLogText(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? readableLogLine(line) : line))
    .join('\n');
}

/**
 * npm start's readable console: the handlers' Powertools logger hands its records (JSON text) to
 * the activity log, which prints each as a line and keeps it for the dashboard. Powertools keeps
 * its console in a field set once by its constructor; only the local runtime replaces it.
 */
export function routeHandlerLogs(logger: object, activity: ActivityLog): void {
  const write = (text: unknown) => activity.handlerLog(String(text));
  (logger as { console: unknown }).console = { log: write, info: write, warn: write, error: write, debug: write, trace: write };
}

/** Powertools' own keys, which a readable line leaves out. */
const POWERTOOLS_KEYS = ['timestamp', 'service', 'sampling_rate', 'xray_trace_id', 'cold_start', 'function_arn', 'function_memory_size', 'function_name', 'function_request_id'];

/** A Powertools JSON log line as an object, or undefined when the text is not one. */
function powertoolsRecord(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !('level' in parsed)) return undefined;
    const record = { ...(parsed as Record<string, unknown>) };
    for (const key of POWERTOOLS_KEYS) delete record[key];
    return record;
  } catch {
    return undefined;
  }
}

/**
 * A line of an emulated Lambda's output (`[DeliverWebhook…] {"level":"WARN",…}`) as the readable
 * console prints it: a Powertools record becomes `warning: message key=value …`; anything else
 * is left as it is.
 */
export function readableLogLine(line: string): string {
  const match = /^(\[[^\]]*\] )?(\{.*\})\s*$/.exec(line);
  const record = match && powertoolsRecord(match[2]!);
  if (!match || !record) return line;
  const { level, message, ...fields } = record;
  return `${match[1] ?? ''}${String(level).toLowerCase()}: ${String(message ?? '')}${details(fields)}`;
}

/** ` key=value …` of a record's fields (an error as `Name: message`). */
function details(fields: Record<string, unknown>): string {
  const parts = Object.entries(fields)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => {
      if (value && typeof value === 'object' && 'message' in value) return `${key}=${String((value as { name?: string }).name ?? 'Error')}: ${String((value as { message: unknown }).message)}`;
      return `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`;
    });
  return parts.length ? ` ${parts.join(' ')}` : '';
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
      const next = nextRetry(entry);
      const why = entry.outcome === 'failed' && entry.error ? ` (${field('error')})` : '';
      return `${time}   webhook ${field('event')} → ${field('url')} ${status}, attempt ${field('attempt')}: ${field('outcome')}${why}${next}`;
    }
    case 'email':
    case 'sms': {
      const next = nextRetry(entry);
      const why = entry.error ? ` (${field('error')})` : '';
      return `${time}   ${entry.kind === 'email' ? 'e-mail' : 'SMS'} ${field('event')} → ${field('to')}, attempt ${field('attempt')}: ${field('outcome')}${why}${next}`;
    }
    case 'warning': {
      const { at: _at, kind: _kind, message, level: _level, ...fields } = entry;
      return `${time} warning: ${message}${typeof fields.error === 'string' && Object.keys(fields).length === 1 ? `: ${fields.error}` : details(fields)}`;
    }
    default:
      return `${time} ${entry.message}`;
  }
}

/** `, next retry in 1.7 s (nominal 28 min)` when the waits are scaled, `, next retry in 28 min` otherwise. */
function nextRetry(entry: Activity): string {
  if (entry.next_retry_seconds === null || entry.next_retry_seconds === undefined) return '';
  const nominal = seconds(Number(entry.next_retry_seconds));
  if (typeof entry.next_retry_actual_seconds !== 'number') return `, next retry in ${nominal}`;
  return `, next retry in ${seconds(entry.next_retry_actual_seconds)} (nominal ${nominal}, scaled by CHECKOUT_LOCAL_DELAY_SCALE)`;
}

function seconds(value: number): string {
  if (value < 1) return `${Math.round(value * 1000)} ms`;
  if (value < 10) return `${value.toFixed(1)} s`;
  if (value < 120) return `${Math.round(value)} s`;
  if (value < 7200) return `${Math.round(value / 60)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}

/**
 * A saved card's token (DELETE /b/pbl/v2/card/{token}/) pays without the customer: a request
 * line shows its last four only, as the local MPGS's request log does.
 */
export function maskedCardToken(path: string): string {
  return path.replace(/^(\/b\/pbl\/v2\/card\/)([^/]+)/, (_match, prefix: string, token: string) => `${prefix}${'x'.repeat(Math.max(token.length - 4, 0))}${token.slice(-4)}`);
}
