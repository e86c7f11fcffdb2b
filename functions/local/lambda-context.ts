import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

/**
 * The Lambda context the embedded runtime hands a handler module, so the handlers (and
 * Powertools) see what they would in Lambda. `deadline` is when the invocation times out.
 */
export function lambdaContext(functionName: string, deadline: number, requestId: string = randomUUID()): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
