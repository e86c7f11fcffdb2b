// One emulated Lambda execution environment: a Node process that imports the function's bundle
// in its init phase (the cold start: `lambdaEntry(build)` builds the adapters from this process's
// environment, the template's) and then serves invocations one at a time from the parent over
// IPC. As on Lambda, init runs before the first invocation and outside its timeout; an init that
// fails fails every invocation of this environment with its error. Started by lambda-pool.ts;
// never imported.
import { pathToFileURL } from 'node:url';

const [file, exportName, functionName, memory] = process.argv.slice(2);
let handler;
let initError;
/** The first invocation after init reports itself cold. */
let cold = true;

async function init() {
  try {
    const module = await import(pathToFileURL(file).href);
    handler = module[exportName];
    if (typeof handler !== 'function') throw new Error(`${file} exports no function ${exportName}`);
  } catch (error) {
    initError = error;
  }
}

process.on('message', async ({ id, event, deadline, requestId }) => {
  const started = Date.now();
  const wasCold = cold;
  cold = false;
  try {
    if (initError) throw initError;
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
    const result = await handler(event, context);
    process.send({ id, ok: true, result, cold: wasCold, ms: Date.now() - started });
  } catch (error) {
    process.send({ id, ok: false, error: { name: error?.name ?? 'Error', message: String(error?.message ?? error), stack: error?.stack }, cold: wasCold, ms: Date.now() - started });
  }
});
await init();
process.send({ ready: true });
