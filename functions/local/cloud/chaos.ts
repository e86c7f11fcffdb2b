import type { ChaosPolicy } from './lambda-pool';

/**
 * The local cloud's fault switch, CHECKOUT_LOCAL_CHAOS: kills function processes at random
 * mid-invocation, as a Lambda execution environment may die (out of memory, a host failure), to
 * show that no event is lost when one does. Its value is a comma-separated list:
 *
 *   kill=0.05            the share of invocations whose environment is SIGKILLed (required)
 *   seed=7               the random sequence (default 1): the same seed kills the same invocations
 *                        of each function, counted in the order they start
 *   functions=A+B        only these functions (route/worker ids, e.g. RouteEvents+DeliverWebhook)
 *   within=200           the kill comes 0–200 ms after the invocation starts (default 200)
 */
export interface ChaosSettings {
  kill: number;
  seed: number;
  functions?: string[];
  withinMs: number;
}

export function parseChaos(value: string): ChaosSettings {
  const fields = new Map(
    value.split(',').map((part) => {
      const [key, ...rest] = part.trim().split('=');
      return [key!, rest.join('=')] as const;
    }),
  );
  const known = new Set(['kill', 'seed', 'functions', 'within']);
  const unknown = [...fields.keys()].filter((key) => !known.has(key));
  if (unknown.length) throw new Error(`CHECKOUT_LOCAL_CHAOS: unknown field ${unknown.join(', ')} (kill=0.05,seed=7,functions=A+B,within=200)`);
  const kill = Number(fields.get('kill'));
  if (!(kill > 0 && kill <= 1)) throw new Error('CHECKOUT_LOCAL_CHAOS: kill must be a share of invocations, 0 < kill ≤ 1 (e.g. kill=0.05)');
  const seed = fields.has('seed') ? Number(fields.get('seed')) : 1;
  const withinMs = fields.has('within') ? Number(fields.get('within')) : 200;
  if (!Number.isInteger(seed) || !Number.isInteger(withinMs) || withinMs < 0) throw new Error('CHECKOUT_LOCAL_CHAOS: seed and within must be whole numbers');
  const functions = fields.get('functions')?.split('+').filter(Boolean);
  return { kill, seed, withinMs, functions };
}

/** One seeded sequence per function, so the kills of one do not depend on another's traffic. */
export function chaosPolicy(settings: ChaosSettings): ChaosPolicy & { kills: Map<string, number> } {
  const sequences = new Map<string, () => number>();
  const kills = new Map<string, number>();
  return {
    kills,
    killAfterMs(functionName) {
      if (settings.functions && !settings.functions.includes(functionName)) return undefined;
      let random = sequences.get(functionName);
      if (!random) sequences.set(functionName, (random = seededRandom(settings.seed ^ hash(functionName))));
      const roll = random();
      const delay = random();
      if (roll >= settings.kill) return undefined;
      kills.set(functionName, (kills.get(functionName) ?? 0) + 1);
      return Math.floor(delay * settings.withinMs);
    },
  };
}

/** mulberry32: small, fast, and the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
