import type { InquiryMessage } from '../functions/domain/inquiry';
import type { APIGatewayProxyEventV2, Context, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { SessionEvent } from '../functions/domain/events';
import type { DeliveryMessage } from '../functions/domain/deliveries';
import type { Session } from '../functions/domain/session';
import { sessionItem } from '../functions/adapters/aws/dynamo-session-repository';

/** Events as API Gateway (HTTP API, payload v2), DynamoDB Streams and SQS hand them to a Lambda. */

export interface HttpRequest {
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  /** Route path with {placeholders}: the route key API Gateway reports. */
  route?: string;
}

export function httpEvent(request: HttpRequest): APIGatewayProxyEventV2 {
  const { method, path, body, headers = {}, pathParameters, query } = request;
  const routeKey = `${method} ${request.route ?? path}`;
  const binary = Buffer.isBuffer(body);
  const now = Date.now();
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    headers: { host: 'bench.local', 'user-agent': 'bench', ...headers },
    queryStringParameters: query,
    pathParameters,
    isBase64Encoded: binary,
    body: body === undefined ? undefined : binary ? body.toString('base64') : body,
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
  };
}

/**
 * The stream record of the write that committed `event`: the session item's new image carrying
 * it in its `events` attribute, as the repository writes it. Without the session, an outbox item
 * of the earlier layout (the router still reads those, with a GetItem of the session).
 */
export function streamEvent(event: SessionEvent, session?: Session): DynamoDBStreamEvent {
  const s = (value: string) => ({ S: value });
  const image = session
    ? Object.fromEntries(Object.entries(sessionItem(session, [event])).map(([name, value]) => [name, typeof value === 'number' ? { N: String(value) } : value instanceof Uint8Array ? { B: Buffer.from(value).toString('base64') } : s(String(value))]))
    : {
        pk: s(`SESSION#${event.session_id}`),
        sk: s(`EVENT#${String(event.version).padStart(10, '0')}#${event.event_id}`),
        event_id: s(event.event_id),
        type: s(event.type),
        session_id: s(event.session_id),
        state: s(event.state),
        version: { N: String(event.version) },
        occurred_at: s(event.occurred_at),
      };
  return {
    Records: [
      {
        eventID: randomUUID(),
        eventName: session ? 'MODIFY' : 'INSERT',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          Keys: { pk: image.pk!, sk: image.sk! },
          NewImage: image as never,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
          SequenceNumber: '1',
          SizeBytes: JSON.stringify(image).length,
        },
      },
    ],
  };
}

export function sqsEvent(message: DeliveryMessage | InquiryMessage): SQSEvent {
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: `bench-${randomUUID()}`,
        body: JSON.stringify(message),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'bench', ApproximateFirstReceiveTimestamp: String(Date.now()) },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:bench',
        awsRegion: 'us-east-1',
      },
    ],
  };
}

export const lambdaContext = (name = 'bench'): Context =>
  ({
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;
