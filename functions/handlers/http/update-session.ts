import { dynamoConfig } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { dynamoSessions } from '../../adapters/aws/dynamo-session-repository';
import { dynamoShortLinks } from '../../adapters/aws/dynamo-short-links';
import { s3Attachments } from '../../adapters/aws/s3-attachment-store';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { updateSession, type UpdateSessionPorts } from '../../app/update-session';
import { renderSession } from '../../domain/session';
import { fullSchema, partialSchema } from '../../domain/session-schema';
import { json } from './http-event';
import { httpHandler } from './http-handler';
import type { IdempotencyPorts } from './idempotency';
import { readSessionRequest } from './session-request';

export type UpdateRoutePorts = UpdateSessionPorts & IdempotencyPorts;

/** PATCH and PUT differ only in how much of the session the body replaces. */
export function updateSessionRoute(mode: 'partial' | 'full', ports: UpdateRoutePorts) {
  return httpHandler(
    async (event) => {
      const request = readSessionRequest(mode === 'full' ? fullSchema : partialSchema, event);
      const session = await updateSession(ports, { principal: event.principal!, sessionId: event.pathParameters?.session_id ?? '', request, mode });
      return json(200, renderSession(session, event.baseUrl));
    },
    { auth: ports },
  );
}

/** What PATCH, PUT and upload-attachment build on AWS. */
export function awsUpdatePorts(): UpdateRoutePorts {
  return {
    sessions: dynamoSessions(),
    config: dynamoConfig(),
    idempotency: dynamoIdempotency(),
    attachments: s3Attachments(),
    shortLinks: dynamoShortLinks(),
    clock: systemClock,
    ids: randomIds,
  };
}
