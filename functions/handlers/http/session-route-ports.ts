import { dynamoConfig } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { dynamoSessions } from '../../adapters/aws/dynamo-session-repository';
import { dynamoShortLinks } from '../../adapters/aws/dynamo-short-links';
import { s3Attachments } from '../../adapters/aws/s3-attachment-store';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import type { CreateSessionPorts } from '../../app/create-session';
import type { UpdateSessionPorts } from '../../app/update-session';
import type { IdempotencyPorts } from './idempotency';
import type { AuthPorts } from './require-auth';
import { dynamoAuthAttempts } from '../../adapters/aws/dynamo-auth-attempts';
import { logger } from '../logger';

/** What the routes that write a session's fields and files use: create, PATCH, PUT, upload-attachment. */
export type SessionRoutePorts = CreateSessionPorts & UpdateSessionPorts & IdempotencyPorts & AuthPorts;

/** Those ports on AWS, as each of their Lambdas builds them. */
export function awsSessionRoutePorts(): SessionRoutePorts {
  return {
    sessions: dynamoSessions(),
    config: dynamoConfig(),
    idempotency: dynamoIdempotency(),
    attachments: s3Attachments(),
    shortLinks: dynamoShortLinks(),
    attempts: dynamoAuthAttempts(),
    log: logger,
    clock: systemClock,
    ids: randomIds,
  };
}
