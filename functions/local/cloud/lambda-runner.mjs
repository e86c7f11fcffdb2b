// One emulated Lambda execution environment: a Node process that imports the function's bundle
// on its first invocation (the cold start: init runs `lambdaEntry(build)`, which builds the
// adapters from this process's environment, the template's) and then serves invocations one at a
// time from the parent over IPC. Started by lambda-pool.ts; never imported.
import { pathToFileURL } from 'node:url';

const [file, exportName, functionName, memory] = process.argv.slice(2);
let handler;

async function load() {
  if (!handler) {
    const module = await import(pathToFileURL(file).href);
    handler = module[exportName];
    if (typeof handler !== 'function') throw new Error(`${file} exports no function ${exportName}`);
  }
  return handler;
}

process.on('message', async ({ id, event, deadline, requestId }) => {
  const started = Date.now();
  const cold = handler === undefined;
  try {
    const fn = await load();
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
      memoryLimitInMB: memory,
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local-cloud',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    const result = await fn(event, context);
    process.send({ id, ok: true, result, cold, ms: Date.now() - started });
  } catch (error) {
    process.send({ id, ok: false, error: { name: error?.name ?? 'Error', message: String(error?.message ?? error), stack: error?.stack }, cold, ms: Date.now() - started });
  }
});
process.send({ ready: true });
