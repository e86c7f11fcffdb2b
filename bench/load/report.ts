import { ROUTE_NAMES, type LoadResult, type Route } from './driver';

/**
 * What a load run shows: the figures (JSON, and a table for the terminal) and a self-contained
 * HTML page (inline SVG, no script, nothing fetched) plotting latency per route over time, events
 * produced vs webhooks delivered, and the expiry lag of each expired session.
 */

export interface RouteFigures {
  count: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  '4xx': number;
  '5xx': number;
  /** Of the 5xx: 502, a function that died mid-invocation (the chaos switch's HTTP face). */
  '502': number;
  /** Of the 5xx: 503s the client sent again (a refund, with its Tracking-Key). */
  retried: number;
  /** The bodies of the first few 5xx other than 502, as the stage sent them. */
  details: string[];
  /** Connection failures. */
  failed: number;
}

export interface LoadSummary {
  started_at: string;
  elapsed_s: number;
  target: string;
  rate_requested: number;
  sessions_per_s_achieved: number;
  requests_per_s_achieved: number;
  sessions: LoadResult['sessions'];
  routes: Record<Route, RouteFigures>;
  webhooks: { expected: number; delivered: number; missing: number; duplicates: number; bad_signatures: number; unexpected: number };
  expiry_lag_s: { count: number; p50: number; p99: number; max: number };
  chaos?: Record<string, number>;
}

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0);
const r1 = (n: number) => Math.round(n * 10) / 10;

export function summarize(result: LoadResult, target: string, chaos?: Map<string, number>): LoadSummary {
  const routes = Object.fromEntries(
    ROUTE_NAMES.map((route) => {
      const samples = result.requests.filter((r) => r.route === route);
      const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
      const count = (test: (status: number) => boolean) => samples.filter((s) => test(s.status)).length;
      return [route, { count: samples.length, p50_ms: r1(quantile(ms, 0.5)), p90_ms: r1(quantile(ms, 0.9)), p99_ms: r1(quantile(ms, 0.99)), max_ms: r1(ms.at(-1) ?? 0), '4xx': count((s) => s >= 400 && s < 500), '5xx': count((s) => s >= 500), '502': count((s) => s === 502), retried: samples.filter((s) => s.retried).length, details: samples.filter((s) => s.status >= 500 && s.status !== 502).slice(0, 5).map((s) => `${s.status} ${s.detail ?? ''}`), failed: count((s) => s === 0) }];
    }),
  ) as Record<Route, RouteFigures>;
  const expected = new Set(result.expected.map((e) => e.key));
  const byKey = new Map<string, number>();
  const byEventId = new Map<string, number>();
  for (const d of result.deliveries) {
    byKey.set(`${d.sessionId}:${d.eventType}`, (byKey.get(`${d.sessionId}:${d.eventType}`) ?? 0) + 1);
    byEventId.set(d.eventId, (byEventId.get(d.eventId) ?? 0) + 1);
  }
  const delivered = [...expected].filter((key) => byKey.has(key)).length;
  const lags = expiryLags(result).map((l) => l.lagMs / 1000).sort((a, b) => a - b);
  const createdSpan = Math.max(1, result.options.durationS);
  return {
    started_at: result.startedAt,
    elapsed_s: r1(result.elapsedS),
    target,
    rate_requested: result.options.rate,
    sessions_per_s_achieved: r1(result.sessions.created / createdSpan),
    requests_per_s_achieved: r1(result.requests.length / Math.max(1, result.elapsedS)),
    sessions: result.sessions,
    routes,
    webhooks: {
      expected: expected.size,
      delivered,
      missing: expected.size - delivered,
      duplicates: [...byEventId.values()].reduce((sum, n) => sum + n - 1, 0),
      bad_signatures: result.deliveries.filter((d) => !d.signed).length,
      unexpected: [...byKey.keys()].filter((key) => !expected.has(key)).length,
    },
    expiry_lag_s: { count: lags.length, p50: r1(quantile(lags, 0.5)), p99: r1(quantile(lags, 0.99)), max: r1(lags.at(-1) ?? 0) },
    ...(chaos ? { chaos: Object.fromEntries(chaos) } : {}),
  };
}

/** Per expired session: from its expires_at to the first `expired` webhook for it. */
export function expiryLags(result: LoadResult): Array<{ at: number; lagMs: number }> {
  const first = new Map<string, number>();
  for (const d of result.deliveries) if (d.eventType === 'expired' && !first.has(d.sessionId)) first.set(d.sessionId, d.at);
  return result.expiries.filter((e) => first.has(e.sessionId)).map((e) => ({ at: e.expiresAt, lagMs: first.get(e.sessionId)! - e.expiresAt }));
}

export function table(summary: LoadSummary): string {
  const lines = [
    `${summary.target}: ${summary.sessions.created} sessions in ${summary.elapsed_s} s (${summary.sessions_per_s_achieved}/s of ${summary.rate_requested}/s asked; ${summary.requests_per_s_achieved} requests/s)`,
    `  paid ${summary.sessions.paid} (refunded ${summary.sessions.refunded}), left to expire ${summary.sessions.leftToExpire}, creates refused ${summary.sessions.failedToCreate}`,
    '  route     count   p50 ms   p90 ms   p99 ms   max ms   4xx   5xx (502)  conn',
    ...ROUTE_NAMES.map((route) => {
      const r = summary.routes[route];
      return `  ${route.padEnd(8)}${String(r.count).padStart(6)}${String(r.p50_ms).padStart(9)}${String(r.p90_ms).padStart(9)}${String(r.p99_ms).padStart(9)}${String(r.max_ms).padStart(9)}${String(r['4xx']).padStart(6)}${String(r['5xx']).padStart(6)} (${r['502']})${String(r.failed).padStart(6)}`;
    }),
    `  webhooks: ${summary.webhooks.delivered}/${summary.webhooks.expected} delivered, ${summary.webhooks.missing} missing, ${summary.webhooks.duplicates} duplicates, ${summary.webhooks.bad_signatures} bad signatures`,
    `  expiry lag (expires_at → expired webhook): p50 ${summary.expiry_lag_s.p50} s, p99 ${summary.expiry_lag_s.p99} s, max ${summary.expiry_lag_s.max} s over ${summary.expiry_lag_s.count}`,
    ...(summary.chaos ? [`  chaos: killed ${Object.entries(summary.chaos).map(([fn, n]) => `${fn} ×${n}`).join(', ') || 'none'}`] : []),
  ];
  return lines.join('\n');
}

const COLORS: Record<Route, string> = { create: '#1f77b4', retrieve: '#2ca02c', page: '#9467bd', pay: '#d62728', refund: '#ff7f0e' };
const esc = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
}

/** One line chart as inline SVG: x in seconds, y from 0 to the series' maximum. */
function chart(title: string, yLabel: string, series: Series[], scatter = false): string {
  const W = 760;
  const H = 260;
  const pad = { l: 56, r: 12, t: 28, b: 36 };
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]));
  const yMax = Math.max(1, ...all.map((p) => p[1])) * 1.05;
  const x = (v: number) => pad.l + (v / xMax) * (W - pad.l - pad.r);
  const y = (v: number) => H - pad.b - (v / yMax) * (H - pad.t - pad.b);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const grid = ticks.map((t) => `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(t * yMax)}" y2="${y(t * yMax)}" stroke="#eee"/><text x="${pad.l - 6}" y="${y(t * yMax) + 4}" text-anchor="end" font-size="11">${r1(t * yMax)}</text>`).join('');
  const xTicks = ticks.map((t) => `<text x="${x(t * xMax)}" y="${H - pad.b + 16}" text-anchor="middle" font-size="11">${Math.round(t * xMax)} s</text>`).join('');
  const lines = series
    .map((s) =>
      scatter
        ? s.points.map(([px, py]) => `<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="2" fill="${s.color}" fill-opacity="0.6"/>`).join('')
        : `<polyline fill="none" stroke="${s.color}" stroke-width="1.8" points="${s.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ')}"/>`,
    )
    .join('');
  const legend = series.map((s, i) => `<rect x="${pad.l + i * 130}" y="8" width="10" height="10" fill="${s.color}"/><text x="${pad.l + 14 + i * 130}" y="17" font-size="12">${esc(s.name)}</text>`).join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">${grid}${xTicks}<text x="14" y="${H / 2}" font-size="11" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">${esc(yLabel)}</text>${lines}${legend}</svg></figure>`;
}

export function html(summary: LoadSummary, result: LoadResult): string {
  const seconds = Math.ceil(result.elapsedS);
  // Latency per route: the p50 and p99 of each 2-second window.
  const window = 2000;
  const latency: Series[] = ROUTE_NAMES.filter((route) => summary.routes[route].count > 0).map((route) => {
    const points: Array<[number, number]> = [];
    for (let start = 0; start < seconds * 1000; start += window) {
      const ms = result.requests.filter((q) => q.route === route && q.at >= start && q.at < start + window).map((q) => q.ms).sort((a, b) => a - b);
      if (ms.length) points.push([(start + window / 2) / 1000, quantile(ms, 0.99)]);
    }
    return { name: `${route} p99`, color: COLORS[route], points };
  });
  const cumulative = (times: number[]): Array<[number, number]> => {
    const sorted = [...times].sort((a, b) => a - b);
    const points: Array<[number, number]> = [[0, 0]];
    for (let s = 1; s <= seconds; s++) points.push([s, sorted.filter((t) => t <= s * 1000).length]);
    return points;
  };
  const firstDelivery = new Map<string, number>();
  for (const d of result.deliveries) {
    const key = `${d.sessionId}:${d.eventType}`;
    if (!firstDelivery.has(key)) firstDelivery.set(key, d.at);
  }
  const events: Series[] = [
    { name: 'events produced', color: '#555', points: cumulative(result.expected.map((e) => e.at)) },
    { name: 'webhooks delivered', color: '#2ca02c', points: cumulative([...firstDelivery.values()]) },
    { name: 'all deliveries', color: '#ff7f0e', points: cumulative(result.deliveries.map((d) => d.at)) },
  ];
  const lag: Series[] = [{ name: 'expiry lag (s) by expires_at', color: '#d62728', points: expiryLags(result).map((l) => [l.at / 1000, l.lagMs / 1000]) }];
  const routeRows = ROUTE_NAMES.map((route) => {
    const r = summary.routes[route];
    return `<tr><td>${route}</td><td>${r.count}</td><td>${r.p50_ms}</td><td>${r.p90_ms}</td><td>${r.p99_ms}</td><td>${r.max_ms}</td><td>${r['4xx']}</td><td>${r['5xx']} (${r['502']})</td></tr>`;
  }).join('');
  const w = summary.webhooks;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Load run ${esc(summary.started_at)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:62rem;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}figure{margin:1.5rem 0}figcaption{font-weight:600;margin-bottom:.3rem}code{background:#f4f4f4;padding:0 .2rem}</style></head>
<body><h1>Load run</h1>
<p>${esc(summary.target)}, started ${esc(summary.started_at)}, ${summary.elapsed_s} s. ${summary.sessions.created} sessions created (${summary.sessions_per_s_achieved}/s of ${summary.rate_requested}/s asked), ${summary.requests_per_s_achieved} requests/s. Paid ${summary.sessions.paid} (refunded ${summary.sessions.refunded}), left to expire ${summary.sessions.leftToExpire}.${summary.chaos ? ` Chaos: killed ${esc(Object.entries(summary.chaos).map(([fn, n]) => `${fn} ×${n}`).join(', '))}.` : ''}</p>
<table><tr><th>route</th><th>count</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>max ms</th><th>4xx</th><th>5xx (502)</th></tr>${routeRows}</table>
<p>Webhooks: <b>${w.delivered}/${w.expected}</b> delivered, ${w.missing} missing, ${w.duplicates} duplicates, ${w.bad_signatures} bad signatures. Expiry lag p50 ${summary.expiry_lag_s.p50} s, p99 ${summary.expiry_lag_s.p99} s, max ${summary.expiry_lag_s.max} s.</p>
${chart('Latency per route over time (p99 of each 2 s)', 'ms', latency)}
${chart('Events produced vs webhooks delivered (cumulative)', 'events', events)}
${chart('Expiry lag: expires_at → expired webhook', 's', lag, true)}
<details><summary>Figures (JSON)</summary><pre>${esc(JSON.stringify(summary, null, 2))}</pre></details>
</body></html>`;
}
