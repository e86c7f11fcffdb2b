import * as v from 'valibot';

/**
 * The one module that reads the environment. Every variable the Lambda code or the local runtime
 * reads is declared here once, with its schema; a value is read and checked the first time it is
 * asked for (a Lambda asks while it builds its adapters, at cold start), and a bad or missing one
 * fails with the variable's name. Values are never echoed: some are secrets.
 *
 * Which function reads which variable follows from the adapter factories its entry builds
 * (config/needs.ts records them); test/infra checks the synthesized template against that.
 */

const text = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'));
const httpUrl = v.pipe(
  v.string(),
  v.trim(),
  v.url('must be an absolute URL'),
  v.regex(/^https?:\/\//i, 'must start with http:// or https://'),
  // Links are built as base + path: one form, without the trailing slash.
  v.transform((url) => url.replace(/\/+$/, '')),
);
const flag = v.pipe(
  v.picklist(['0', '1', 'true', 'false'], 'must be 1 or 0'),
  v.transform((value) => value === '1' || value === 'true'),
);
const positiveMs = v.pipe(
  v.string(),
  v.regex(/^[1-9]\d*$/, 'must be a positive integer of milliseconds'),
  v.transform(Number),
);
/** A whole number of days (a retention). */
const days = v.pipe(v.string(), v.regex(/^[1-9]\d{0,4}$/, 'must be a whole number of days'), v.transform(Number));
const scale = v.pipe(
  v.string(),
  v.regex(/^\d+(\.\d+)?$/, 'must be a non-negative number'),
  v.transform(Number),
);

/** The deployed functions' variables: the stacks set them, the adapter factories read them. */
const LAMBDA = {
  /** The single DynamoDB table (sessions, config, idempotency, short links). */
  CHECKOUT_TABLE: text,
  /** The private attachments bucket. */
  CHECKOUT_BUCKET: text,
  CHECKOUT_WEBHOOK_QUEUE_URL: httpUrl,
  CHECKOUT_EMAIL_QUEUE_URL: httpUrl,
  CHECKOUT_SMS_QUEUE_URL: httpUrl,
  CHECKOUT_SYNC_QUEUE_URL: httpUrl,
  /** Secrets Manager id of the merchant's webhook HMAC key (only the signing functions get it). */
  CHECKOUT_WEBHOOK_SECRET_ID: text,
  /**
   * Secrets Manager name prefix of the payment gateways' secrets: a gateway setting's secret is
   * `<prefix><pg_code>` (a JSON object: MPGS's `api_password` and `notification_secret`).
   */
  CHECKOUT_GATEWAY_SECRET_PREFIX: v.pipe(text, v.regex(/^[A-Za-z0-9/_+=.@-]+$/, 'must be a Secrets Manager name prefix')),
  /** Per-call timeout towards a payment gateway, in milliseconds (default 20 s, inside the function's timeout). */
  CHECKOUT_GATEWAY_TIMEOUT_MS: v.optional(positiveMs),
  /** SES sender; its address or domain must be a verified identity. */
  CHECKOUT_EMAIL_FROM: v.optional(v.pipe(v.string(), v.trim(), v.email('must be an e-mail address'))),
  /** Base URL for links (the API's own URL or a custom domain); HTTP routes fall back to the request's host. */
  CHECKOUT_PUBLIC_URL: v.optional(httpUrl),
  /** Secrets Manager id of the payment form's CSRF secret: its own secret, never the webhook key (only the checkout page and pay functions get it). */
  CHECKOUT_CSRF_SECRET_ID: text,
  /** Days an audit entry is kept before DynamoDB's TTL deletes it (the stage's retention). */
  CHECKOUT_AUDIT_RETENTION_DAYS: days,
  /**
   * Days a closed session is kept after its last change, when money moved (paid, authorized)
   * and when none did; DynamoDB's TTL then removes it, and the event router its attachment
   * (docs/data-retention.md). Unset: kept until the merchant deletes it.
   */
  CHECKOUT_SESSION_RETENTION_PAID_DAYS: v.optional(days),
  CHECKOUT_SESSION_RETENTION_UNPAID_DAYS: v.optional(days),
  /** 1: GET of a session needs credentials, as Ottu's live API does; 0: public, showing less (docs/security.md). */
  CHECKOUT_RETRIEVE_REQUIRES_AUTH: v.optional(flag, '0'),
  /** An AWS emulator (moto): S3 is then addressed by path. The SDK reads it by itself too. */
  AWS_ENDPOINT_URL: v.optional(httpUrl),
  /** Set by Lambda itself: entries build their adapters at init when it is there. */
  AWS_LAMBDA_FUNCTION_NAME: v.optional(text),
  /** Set by Lambda with active tracing: the X-Ray daemon's address, where SDK calls' subsegments go (adapters/aws/sdk-tracing.ts). */
  AWS_XRAY_DAEMON_ADDRESS: v.optional(text),
};

/** The local runtime's variables (`npm start`); never set in a deployed template. */
const LOCAL = {
  /** `aws`: serve from the AWS adapters at AWS_ENDPOINT_URL instead of embedded stores. */
  CHECKOUT_BACKEND: v.optional(v.picklist(['aws', 'embedded'], 'must be aws or embedded'), 'embedded'),
  /** 1 (with CHECKOUT_BACKEND=aws): run the synthesized dev stage on the emulator at AWS_ENDPOINT_URL (functions/local/cloud). */
  CHECKOUT_BOOTSTRAP: v.optional(flag, '0'),
  /** A cloud assembly (cdk.out of `cdk synth -c stage=dev`) for CHECKOUT_BOOTSTRAP=1 to run instead of synthesizing. */
  CHECKOUT_ASSEMBLY: v.optional(text),
  CHECKOUT_STAGE: v.optional(v.pipe(text, v.regex(/^[a-z0-9-]+$/, 'must be lowercase letters, digits and dashes')), 'local'),
  CHECKOUT_DEMO_API_KEY: v.optional(text),
  /** `user:password` of the demo Basic user. */
  CHECKOUT_DEMO_BASIC: v.optional(v.pipe(text, v.regex(/^[^:]+:.+$/, 'must be user:password'))),
  CHECKOUT_DEMO_WEBHOOK_KEY: v.optional(text),
  /** 1: webhooks may call loopback addresses (a receiver on this machine); the local cloud passes it to its functions. */
  CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: v.optional(flag, '0'),
  /** Scales every queue wait: 0.001 runs the 24 h retry schedule a thousand times faster (the local cloud passes it to its functions). */
  CHECKOUT_LOCAL_DELAY_SCALE: v.optional(scale, '1'),
  CHECKOUT_EXPIRY_INTERVAL_MS: v.optional(positiveMs),
  /** 1 (the default): npm start runs a local MPGS beside the API, and the demo merchant gets mpgs-kwd and mpgs-authorize. */
  CHECKOUT_LOCAL_MPGS: v.optional(flag, '1'),
  /** The local MPGS's port (default: a free one). */
  CHECKOUT_LOCAL_MPGS_PORT: v.optional(v.pipe(v.string(), v.regex(/^\d{1,5}$/, 'must be a port number'), v.transform(Number))),
  /** The local cloud's fault switch: kills function processes at random mid-invocation (`kill=0.05,seed=7,functions=A+B`; local/cloud/chaos.ts). */
  CHECKOUT_LOCAL_CHAOS: v.optional(v.pipe(text, v.regex(/^kill=/, 'must start with kill=<share>, e.g. kill=0.05,seed=7'))),
  PORT: v.optional(v.pipe(v.string(), v.regex(/^\d{1,5}$/, 'must be a port number'), v.transform(Number)), '3000'),
  HOST: v.optional(text, '127.0.0.1'),
  /** npm start's console: `text`, one readable line per request and delivery; `json`, structured lines. */
  LOG_FORMAT: v.optional(v.picklist(['text', 'json'], 'must be text or json'), 'text'),
  /** Read by Powertools too; npm start defaults it to WARN (text) or INFO (json). */
  POWERTOOLS_LOG_LEVEL: v.optional(v.picklist(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'], 'must be DEBUG, INFO, WARN, ERROR or SILENT')),
};

export const VARIABLES = { ...LAMBDA, ...LOCAL };
export type VariableName = keyof typeof VARIABLES;
export type LambdaVariable = keyof typeof LAMBDA;
export type Setting<N extends VariableName> = v.InferOutput<(typeof VARIABLES)[N]>;
export const LAMBDA_VARIABLES = Object.keys(LAMBDA) as LambdaVariable[];

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

type Environment = Readonly<Record<string, string | undefined>>;

let source: Environment = process.env;
const cache = new Map<VariableName, unknown>();
const readers = new Set<(name: VariableName) => void>();

/** The value of one variable, checked against its schema; ConfigurationError names it otherwise. */
export function setting<N extends VariableName>(name: N): Setting<N> {
  for (const reader of readers) reader(name);
  if (!cache.has(name)) cache.set(name, parseSetting(name, source));
  return cache.get(name) as Setting<N>;
}

/** A setting that must be there for what is being built (the schema allows it to be absent elsewhere). */
export function requiredSetting<N extends VariableName>(name: N): NonNullable<Setting<N>> {
  const value = setting(name);
  if (value === undefined || value === null) throw new ConfigurationError(`${name} is not set.`);
  return value as NonNullable<Setting<N>>;
}

/**
 * The invocation's X-Ray trace header (`Root=…;Parent=…;Sampled=…`), which Lambda sets anew for
 * each invocation: read each time, never cached (adapters/aws/sdk-tracing.ts).
 */
export function invocationTraceHeader(): string | undefined {
  return source._X_AMZN_TRACE_ID || undefined;
}

/** Reads settings from `env` instead of the process's environment (the local runtime, tests). */
export function useEnvironment(env: Environment): void {
  source = env;
  cache.clear();
}

/** The variables settings are read from (the local runtime passes them on to what it bootstraps). */
export function environment(): Environment {
  return source;
}

/** Calls `reader` with the name of every setting read until the returned function is called. */
export function watchSettings(reader: (name: VariableName) => void): () => void {
  readers.add(reader);
  return () => readers.delete(reader);
}

/** The problems of `env` for the given variables, one line each (empty when all are fine). */
export function checkEnvironment(names: Iterable<VariableName>, env: Environment): string[] {
  const problems: string[] = [];
  for (const name of names) {
    try {
      parseSetting(name, env);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

function parseSetting<N extends VariableName>(name: N, env: Environment): Setting<N> {
  const raw = env[name];
  const value = raw === '' ? undefined : raw;
  const parsed = v.safeParse(VARIABLES[name] as v.GenericSchema<string | undefined, Setting<N>>, value);
  if (parsed.success) return parsed.output;
  const reason = value === undefined ? 'is not set' : parsed.issues[0].message;
  throw new ConfigurationError(`${name} ${reason}.`);
}
