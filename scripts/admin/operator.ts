import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { auditEntry, type AuditEntry } from '../../functions/domain/audit';
import { stageConfig } from '../../lib/stage-config';
import type { Context } from './cli';

/** One id per CLI run: the audit entries of one run share it, as a request's do. */
const RUN_ID = `cli-${randomUUID()}`;

/**
 * The operator an audit entry names: the OS user on this host, and the AWS profile or access key
 * id the SDK uses (never the secret). The CLI has no STS client to name the IAM principal itself;
 * CloudTrail has it for the same calls.
 */
export function operatorEntry(context: Context, action: string, details?: AuditEntry['details']): AuditEntry {
  const env = context.io.env;
  const aws = env.AWS_PROFILE ? `profile ${env.AWS_PROFILE}` : env.AWS_ACCESS_KEY_ID ? `key ${env.AWS_ACCESS_KEY_ID}` : 'default credentials';
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the AWS identity still names the operator.
  }
  return auditEntry(
    {
      entry_id: randomUUID(),
      actor: { kind: 'operator', name: `${user} (${aws})`, id: user },
      address: hostname(),
      request_id: RUN_ID,
      action,
      ...(details && { details }),
    },
    new Date(),
  );
}

/** The stage's audit retention; for a table named without a stage, the longest (prod's). */
export async function auditRetentionDays(context: Context): Promise<number> {
  const stage = await context.target.stageName().catch(() => undefined);
  return stageConfig(stage ?? 'prod').auditRetentionDays;
}
