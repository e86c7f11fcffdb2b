import type { Context } from 'aws-lambda';
import { logger } from '../../functions/handlers/logger';
import { withLogContext } from '../../functions/handlers/with-log-context';

const context = { functionName: 'SendSms', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:SendSms', memoryLimitInMB: '128', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

afterEach(() => jest.restoreAllMocks());

test('a worker\'s log lines carry the invocation\'s Lambda context, as the middy middleware gave them', async () => {
  const addContext = jest.spyOn(logger, 'addContext');
  // The context is in place before the worker's own code runs.
  const handler = withLogContext(async (event: { n: number }) => (addContext.mock.calls.length === 1 ? event.n + 1 : NaN));
  await expect(handler({ n: 1 }, context)).resolves.toBe(2);
  expect(addContext).toHaveBeenCalledWith(context);
});

test('a failing worker fails the invocation with its own error', async () => {
  const handler = withLogContext(async () => {
    throw new Error('queue down');
  });
  await expect(handler({}, context)).rejects.toThrow('queue down');
});
