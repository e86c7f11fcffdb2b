import { handlerLatency } from './handler-latency';
import { httpThroughput } from './http-throughput';
import { round } from './stats';

/**
 * `npm run bench`: every figure side by side with its floor, a readable table, and as the very
 * last line one JSON object with every figure. `--quick` runs a few iterations (CI smoke).
 */
const quick = process.argv.includes('--quick');

async function main(): Promise<void> {
  const figures: Record<string, unknown> = {};
  const rows: Array<[string, string, string, string]> = [];

  const handler = await handlerLatency(quick ? 200 : 10_000);
  for (const op of ['create', 'retrieve', 'patch'] as const) {
    figures[`handler_us.${op}`] = handler[op];
    rows.push([`handler_us.${op} p50/p99`, `${handler[op].p50}/${handler[op].p99}`, `${handler.floor.p50}/${handler.floor.p99}`, ratio(handler[op].p50, handler.floor.p50)]);
  }
  figures.handler_us_floor = handler.floor;

  const http = await httpThroughput(quick ? 1 : 10);
  for (const op of ['create', 'retrieve'] as const) {
    figures[`http_rps.${op}`] = http[op];
    rows.push([`http_rps.${op} (p50/p99 ms)`, `${http[op].rps} (${http[op].p50_ms}/${http[op].p99_ms})`, `${http.floor.rps}`, ratio(http[op].rps, http.floor.rps)]);
  }
  figures.http_rps_floor = http.floor;

  printTable(rows);
  console.log(JSON.stringify(figures));
}

function ratio(value: number, floor: number): string {
  return floor > 0 ? `${round(value / floor, 2)}×` : 'n/a';
}

function printTable(rows: Array<[string, string, string, string]>): void {
  const header: [string, string, string, string] = ['figure', 'ours', 'floor', 'ratio'];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
