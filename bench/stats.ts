/** Percentile of a sorted copy of `samples` (nearest rank). */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

export const median = (samples: number[]) => percentile(samples, 50);

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));
