import { chooseMemory, criticalPathMs, floorCpuMs, HTTP_COLD_START_BUDGET_MS, LATENCY_MS, RSS_HEADROOM } from '../../bench/cost-model';

/** A call on the wire from `started` to `ended` (ms), as the bench's call counter records it. */
const call = (service: string, operation: string, started: number, ended: number) => ({ service, operation, started, ended });

describe('criticalPathMs: the modelled wait of an operation', () => {
  test('calls one after another add up at their documented latencies', () => {
    const calls = [call('dynamodb', 'GetItem', 0, 5), call('dynamodb', 'PutItem', 6, 9), call('ses', 'SendEmail', 10, 12)];
    expect(criticalPathMs(calls)).toBe(2 * LATENCY_MS.dynamodb + LATENCY_MS.ses);
  });

  test('calls that overlapped wait once, as long as the slowest of them', () => {
    const calls = [call('dynamodb', 'GetItem', 0, 5), call('dynamodb', 'PutItem', 1, 4), call('secretsmanager', 'GetSecretValue', 2, 8), call('dynamodb', 'PutItem', 9, 12)];
    expect(criticalPathMs(calls)).toBe(LATENCY_MS.ses + LATENCY_MS.dynamodb);
  });

  test('a transaction counts as two writes; no calls, no wait', () => {
    expect(criticalPathMs([call('dynamodb', 'TransactWriteItems', 0, 1)])).toBe(LATENCY_MS.dynamodbTransaction);
    expect(criticalPathMs([])).toBe(0);
  });
});

describe('chooseMemory: one rule for ours and the floor', () => {
  // Waits cost in proportion to memory, CPU the same GB-s below a full vCPU.
  const msAt = (cpuMs: number, waitMs: number) => (mb: number) => cpuMs * Math.max(1, 1769 / mb) + waitMs;

  const start = (rssMb: number, initCpuMs = 100) => ({ rssMb, initCpuMs });

  test('a worker waiting on I/O takes the smallest size that holds its peak memory', () => {
    expect(chooseMemory('webhook', msAt(20, 120), start(60)).memoryMb).toBe(128);
    expect(chooseMemory('webhook', msAt(20, 120), start(128 / RSS_HEADROOM + 1)).memoryMb).toBe(256);
  });

  test('a worker has no cold-start budget', () => {
    expect(chooseMemory('email', msAt(20, 120), start(60, 500)).memoryMb).toBe(128);
  });

  test('an HTTP operation takes the cheapest size within the 50 ms p50 budget', () => {
    const choice = chooseMemory('patch', msAt(12, 20), start(60));
    expect(choice.memoryMb).toBe(1024);
    expect(choice.options.find((o) => o.memory_mb === 512)).toMatchObject({ fits: false });
  });

  test('and within the cold-start budget: its start-up CPU slowed below a full vCPU', () => {
    // 2 ms of CPU a request fits the p50 budget at 128 MB; 150 ms of start-up CPU there takes 2 s.
    const choice = chooseMemory('retrieve', msAt(2, 10), start(60, 150));
    expect(choice.options.find((o) => o.memory_mb === 128)).toMatchObject({ fits: false, cold_ms: Math.round((150 * 1769) / 128) });
    expect(choice.memoryMb).toBe(512);
    expect((150 * 1769) / 256).toBeGreaterThan(HTTP_COLD_START_BUDGET_MS);
    expect(chooseMemory('retrieve', msAt(2, 10), start(60, 50)).memoryMb).toBe(128);
  });

  test('when no size fits, the largest', () => {
    expect(chooseMemory('retrieve', msAt(100, 20), start(60)).memoryMb).toBe(1769);
  });
});

describe('floorCpuMs: the floor handler spends what the bare SDK client spends on its calls', () => {
  const overhead = (perCall: number) => ({ ours_ms: 0, raw_ms: 0, raw_cpu_ms_per_call: perCall });
  const aws = { overhead: { create: overhead(1.2), retrieve: overhead(0.8) } };

  test('the bare handler plus one measured call per floor call, at the mean of a write and a read', () => {
    expect(floorCpuMs(aws, 'retrieve', 4)).toBeCloseTo(0.004 + 1);
    expect(floorCpuMs(aws, 'pay', 4)).toBeCloseTo(0.004 + 2);
    expect(floorCpuMs(aws, 'route', 0)).toBeCloseTo(2);
  });

  test("e-mail's SES send is a call too", () => {
    expect(floorCpuMs(aws, 'email', 0)).toBeCloseTo(2);
    expect(floorCpuMs(aws, 'webhook', 0)).toBeCloseTo(1);
  });
});
