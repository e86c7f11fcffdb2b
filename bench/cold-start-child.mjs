// One cold start: a fresh Node process imports a Lambda bundle and serves one request, as the
// Lambda runtime would after its own bootstrap. Plain JavaScript, so no loader runs before it.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [file, eventJson] = process.argv.slice(2);
const event = JSON.parse(eventJson);
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
  memoryLimitInMB: '512',
  awsRequestId: 'bench-cold-start',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 60_000,
};
const cpuBefore = process.cpuUsage();
const started = performance.now();
const mod = await import(pathToFileURL(file).href);
const loaded = performance.now();
const response = await mod.handler(event, context);
const served = performance.now();
// CPU spent on the import and the request: what a busy shared machine inflates least.
const cpu = process.cpuUsage(cpuBefore);
const status = response?.statusCode ?? (Array.isArray(response?.batchItemFailures) ? (response.batchItemFailures.length ? 207 : 200) : 200);
process.send({ load_ms: loaded - started, total_ms: served - started, cpu_ms: (cpu.user + cpu.system) / 1000, status, max_rss_mb: peakRssMb() });

/**
 * Peak resident memory after the first request: what a Lambda memory size must hold. Linux's
 * VmHWM belongs to this process image; getrusage's maxRSS would carry over the forking parent's.
 */
function peakRssMb() {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return hwm ? Number(hwm[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
}
