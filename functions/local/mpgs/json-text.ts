/**
 * JSON text with exact decimal numbers. MPGS answers amounts as JSON numbers carrying the
 * currency's decimals (`"amount":14.125`, `"totalRefundedAmount":0.00`); JSON.stringify cannot
 * write a number from its decimal text, so answers are written here.
 */

/** A number written exactly as its decimal text. */
export class JsonDecimal {
  constructor(readonly text: string) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a decimal: ${text}`);
  }
}

export function jsonText(value: unknown): string {
  if (value instanceof JsonDecimal) return value.text;
  if (Array.isArray(value)) return `[${value.map((item) => jsonText(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).filter(([, field]) => field !== undefined);
    return `{${fields.map(([key, field]) => `${JSON.stringify(key)}:${jsonText(field)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
