import type { FailureRecord, Subject } from '../domain/auth-lockout';

export interface StoredFailures {
  record: FailureRecord;
  version: number;
}

/**
 * Failed authentications per subject (domain/auth-lockout.ts), kept where every Lambda sees them
 * (DynamoDB, deleted by TTL a day after the last failure), and when each API key was last used.
 */
export interface AuthAttempts {
  read(subject: Subject): Promise<StoredFailures | undefined>;
  /** Writes `record` if the stored version is still `expected` (undefined: none yet); false when another wrote first. */
  write(subject: Subject, record: FailureRecord, expected: number | undefined, expires: Date): Promise<boolean>;
  clear(subject: Subject): Promise<void>;
  /** Records that the key with this prefix authenticated at `at` (its listing's "last used"). */
  noteKeyUse(prefix: string, at: Date): Promise<void>;
}
