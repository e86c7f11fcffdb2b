import autocannon from 'autocannon';

// Child process for http-throughput: drives one target with autocannon and reports the figures.
process.once('message', async (message: { url: string; seconds: number; connections: number; method: string; body?: string; headers?: Record<string, string> }) => {
  const result = await autocannon({
    url: message.url,
    connections: message.connections,
    duration: message.seconds,
    method: message.method as 'GET',
    body: message.body,
    headers: message.headers,
  });
  process.send?.({
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  });
});
