import { dynamoConfig } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { dynamoSessions } from '../../adapters/aws/dynamo-session-repository';
import { dynamoShortLinks } from '../../adapters/aws/dynamo-short-links';
import { s3Attachments } from '../../adapters/aws/s3-attachment-store';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { createSession, type CreateSessionPorts } from '../../app/create-session';
import { renderSession } from '../../domain/session';
import { fullSchema } from '../../domain/session-schema';
import { lambdaEntry } from '../lambda-entry';
import { json } from './http-event';
import { httpHandler } from './http-handler';
import type { IdempotencyPorts } from './idempotency';
import { readSessionRequest } from './session-request';

export function wire(ports: CreateSessionPorts & IdempotencyPorts) {
  return httpHandler(
    async (event) => {
      const session = await createSession(ports, { principal: event.principal!, request: readSessionRequest(fullSchema, event) });
      return json(201, renderSession(session, event.baseUrl));
    },
    { auth: ports },
  );
}

export const build = () =>
  wire({
    sessions: dynamoSessions(),
    config: dynamoConfig(),
    idempotency: dynamoIdempotency(),
    attachments: s3Attachments(),
    shortLinks: dynamoShortLinks(),
    clock: systemClock,
    ids: randomIds,
  });
export const handler = lambdaEntry(build);
