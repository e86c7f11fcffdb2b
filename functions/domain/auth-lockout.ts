/**
 * Failed authentication, limited: each subject (a username, an API key prefix, a source address)
 * has a budget of failures per window; spending it locks the subject, for longer each time it
 * happens again within a day. Pure: the adapters store the record (DynamoDB with TTL, memory).
 */

export type SubjectKind = 'user' | 'key' | 'address';

/** What is counted: `user:alice`, `key:AbCdEf12`, `address:203.0.113.7`. */
export interface Subject {
  kind: SubjectKind;
  value: string;
}

export interface FailureRecord {
  /** Failures in the current window. */
  failures: number;
  /** ISO time the current window started (its first failure). */
  window_started: string;
  /** ISO time the lock ends; absent when not locked. */
  locked_until?: string;
  /** Locks so far (the next one lasts twice as long), forgotten a day after the last failure. */
  lockouts: number;
}

export interface Budget {
  failures: number;
  windowSeconds: number;
}

/**
 * A person mistyping a password fails a few times; a guesser thousands. Five per user or key in
 * 15 minutes, then 1, 2, 4 … up to 60 minutes locked. An address gets more (an office behind one
 * NAT shares it) before it is locked the same way.
 */
export const LOCKOUT = {
  budgets: { user: { failures: 5, windowSeconds: 900 }, key: { failures: 5, windowSeconds: 900 }, address: { failures: 50, windowSeconds: 900 } } satisfies Record<SubjectKind, Budget>,
  firstLockSeconds: 60,
  maxLockSeconds: 3600,
  /** How long a record is kept after its last failure (its TTL): the memory of earlier locks. */
  keepSeconds: 24 * 3600,
} as const;

export function subjectText(subject: Subject): string {
  return `${subject.kind}:${subject.value}`;
}

/** Seconds the record keeps its subject locked at `now` (0: not locked), rounded up. */
export function lockedSeconds(record: FailureRecord | undefined, now: Date): number {
  if (!record?.locked_until) return 0;
  const left = Date.parse(record.locked_until) - now.getTime();
  return left > 0 ? Math.ceil(left / 1000) : 0;
}

/** The record after one more failure at `now`: counted in its window, locking when the budget is spent. */
export function afterFailure(record: FailureRecord | undefined, kind: SubjectKind, now: Date): FailureRecord {
  // One that raced past the lock check changes nothing: the lock stands as it is.
  if (record && lockedSeconds(record, now) > 0) return record;
  const budget = LOCKOUT.budgets[kind];
  // A window that ended, or a lock that did, starts counting again (the lock count stays).
  const windowOpen = record && !record.locked_until && now.getTime() - Date.parse(record.window_started) < budget.windowSeconds * 1000;
  const failures = windowOpen ? record.failures + 1 : 1;
  const window_started = windowOpen ? record.window_started : now.toISOString();
  const lockouts = record?.lockouts ?? 0;
  if (failures < budget.failures) return { failures, window_started, lockouts };
  const seconds = Math.min(LOCKOUT.firstLockSeconds * 2 ** lockouts, LOCKOUT.maxLockSeconds);
  return { failures, window_started, lockouts: lockouts + 1, locked_until: new Date(now.getTime() + seconds * 1000).toISOString() };
}

/** When DynamoDB may delete the record: a day after its last change, or after its lock ends if later. */
export function recordExpiry(record: FailureRecord, now: Date): Date {
  const kept = now.getTime() + LOCKOUT.keepSeconds * 1000;
  return new Date(Math.max(kept, record.locked_until ? Date.parse(record.locked_until) : 0));
}
