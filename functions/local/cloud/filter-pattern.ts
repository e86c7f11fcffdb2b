/**
 * Lambda event filtering (the FilterCriteria of an event source mapping): a record passes when
 * any pattern matches it. A pattern is an object whose leaves are arrays of allowed values or
 * of comparison operators — what the template says is applied, not what the app filters today.
 * Supported: literals (string, number, boolean, null), `prefix`, `suffix`, `anything-but`
 * (value, list, or `{ prefix }`), `exists`, `numeric` and `equals-ignore-case`, and `$or`.
 */

export function matchesAny(patterns: readonly unknown[], record: unknown): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matches(pattern, record));
}

export function matches(pattern: unknown, value: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) return false;
  const object = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  for (const [key, expected] of Object.entries(pattern as Record<string, unknown>)) {
    if (key === '$or') {
      if (!(expected as unknown[]).some((alternative) => matches(alternative, value))) return false;
      continue;
    }
    const actual = object?.[key];
    if (Array.isArray(expected)) {
      if (!matchesLeaf(expected, actual, object !== undefined && key in object)) return false;
    } else if (!matches(expected, actual)) return false;
  }
  return true;
}

function matchesLeaf(allowed: unknown[], actual: unknown, present: boolean): boolean {
  const values = Array.isArray(actual) ? actual : [actual];
  return allowed.some((rule) => {
    if (rule !== null && typeof rule === 'object') {
      const [operator, operand] = Object.entries(rule as Record<string, unknown>)[0] ?? [];
      switch (operator) {
        case 'exists':
          return operand === present;
        case 'prefix':
          return values.some((v) => typeof v === 'string' && v.startsWith(String(operand)));
        case 'suffix':
          return values.some((v) => typeof v === 'string' && v.endsWith(String(operand)));
        case 'equals-ignore-case':
          return values.some((v) => typeof v === 'string' && v.toLowerCase() === String(operand).toLowerCase());
        case 'anything-but': {
          if (!present) return false;
          if (operand !== null && typeof operand === 'object' && !Array.isArray(operand)) {
            const prefix = (operand as { prefix?: string }).prefix;
            return values.every((v) => !(typeof v === 'string' && prefix !== undefined && v.startsWith(prefix)));
          }
          const excluded = Array.isArray(operand) ? operand : [operand];
          return values.every((v) => !excluded.includes(v));
        }
        case 'numeric':
          return values.some((v) => typeof v === 'number' && numeric(operand as Array<string | number>, v));
        default:
          throw new Error(`filter operator ${operator} is not supported by the local cloud`);
      }
    }
    return present && values.some((v) => v === rule);
  });
}

function numeric(conditions: Array<string | number>, value: number): boolean {
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const operator = conditions[i] as string;
    const bound = Number(conditions[i + 1]);
    const ok = { '<': value < bound, '<=': value <= bound, '=': value === bound, '>': value > bound, '>=': value >= bound }[operator];
    if (!ok) return false;
  }
  return true;
}
