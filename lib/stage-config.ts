import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { WORK_QUEUE, type Channel } from '../functions/config/queues';

import { STAGES, type StageName } from '../functions/config/stages';

export { STAGES, type StageName };

/** Everything that differs between environments; the stacks read nothing else. */
export interface StageConfig {
  stage: StageName;
  logRetention: RetentionDays;
  /** Table, bucket, secret, key and log groups: RETAIN in prod so a `cdk destroy` cannot lose data. */
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  /** Alarm notifications go to the topic; an address here subscribes to it by e-mail. */
  alarmEmail?: string;
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** Alarm when more than this percentage of API requests answer 5xx over 5 minutes. */
  api5xxRatePercent: number;
  /** Lambda memory per function; read it with `functionMemoryMb`. */
  lambdaMemory: LambdaMemory;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  httpTimeout: Duration;
  /** Queue, stream and schedule consumers; the queues' visibility timeouts assume it (functions/config/queues.ts). */
  workerTimeout: Duration;
  /** SES sender (CHECKOUT_EMAIL_FROM); its address or domain must be a verified SES identity. */
  emailFrom: string;
  /** Public base URL for links; unset, the custom domain's URL, else the API's own URL. */
  publicUrl?: string;
  /** Optional custom domain for the API (`-c domainName=pay.example.com -c certificateArn=…`). */
  customDomain?: { domainName: string; certificateArn: string };
  /**
   * Days the audit trail keeps an entry (DynamoDB TTL). PCI DSS 10.5.1 asks for a year, three
   * months of it at hand: prod keeps 400 days.
   */
  auditRetentionDays: number;
  /**
   * GET of a session needs credentials, as Ottu's live API does. Off, it stays public as the seed
   * says (the session id is the capability) and shows less without credentials (docs/security.md).
   */
  retrieveRequiresAuth: boolean;
  /** Uploaded files still under `uploads/` (never attached to a session) are deleted after this. */
  unattachedUploadDays: number;
  /** Concurrency and quotas (docs/capacity.md): what the stage is sized to carry, with the reasons. */
  capacity: Capacity;
}

/**
 * How much the stage carries (docs/capacity.md models each AWS limit on the path). `apiThrottle`
 * above is the HTTP API's per-route limit; these are the background workers' and the sweep's.
 */
export interface Capacity {
  /** Sessions created per second the stage is sized for (the model's input; docs/capacity.md). */
  sessionsPerSecond: number;
  /**
   * Reserved concurrency by worker id: a floor no burst of HTTP traffic can take from it (the
   * account's pool is shared by every function) and a ceiling it cannot exceed. Unset: none
   * (dev and staging accounts may have fewer than 100 unreserved executions to give).
   */
  reservedConcurrency: Readonly<Record<string, number>>;
  /** The SQS event sources' maximum concurrency (concurrent batches of 10) per queue. */
  queueConcurrency: Readonly<Record<Channel, number>>;
  /** The expiry sweep: one invocation per shard a minute, each with this timeout (its share of the minute). */
  expiryTimeout: Duration;
}

/** Messages per SQS batch and how long a batch takes, per consumer (docs/capacity.md). */
const SECONDS_PER_BATCH: Record<Channel, number> = {
  // A merchant endpoint answering in 500 ms (the batch's ten calls run in parallel).
  webhook: 0.5,
  // SES SendEmail and SNS Publish answer in ~100 ms in-region; ten in parallel.
  email: 0.15,
  sms: 0.15,
};

/**
 * Concurrent batches that carry `perSecond` messages of `channel`: Lambda's minimum for an SQS
 * event source's maximum concurrency is 2. For e-mail and SMS `perSecond` is the account's SES or
 * SNS quota: more concurrency than the quota only turns sends into throttling retries.
 */
export function queueSlots(channel: Channel, perSecond: number): number {
  return Math.max(2, Math.ceil((perSecond * SECONDS_PER_BATCH[channel]) / WORK_QUEUE.batchSize));
}

/**
 * SES's and SNS's sending quotas per second as a new production account gets them (SES: 14
 * e-mails/s once out of the sandbox; SNS: 20 SMS/s). docs/capacity.md says what to request for
 * 1 000 and 10 000 sessions a second; raise these with the granted quota.
 */
const SES_PER_SECOND = 14;
const SNS_SMS_PER_SECOND = 20;

/**
 * Lambda memory (MB): `route` and `worker` for functions not named in `byFunction`. Lambda bills
 * GB-seconds and gives CPU in proportion to memory below 1 769 MB, so a function that mostly
 * waits on I/O costs less at a smaller size; prod's sizes are what `npm run bench` chose by
 * measurement (docs/benchmarks.md, "Memory per function"), and the bench's cost model reads
 * them from here.
 */
export interface LambdaMemory {
  route: number;
  worker: number;
  byFunction?: Readonly<Record<string, number>>;
}

/** The memory of one function (a route's or a worker's id) in a stage. */
export function functionMemoryMb(config: Pick<StageConfig, 'lambdaMemory'>, id: string, kind: 'route' | 'worker'): number {
  return config.lambdaMemory.byFunction?.[id] ?? config.lambdaMemory[kind];
}

/**
 * Prod's sizes, by measurement (`npm run bench`, rows `memory_mb.*`): the cheapest size that
 * holds 1.5× the function's peak memory (55–71 MB measured) and, for an HTTP function, keeps its
 * modelled p50 within 50 ms and its cold start within 1 s. The stream router and the queue
 * consumers wait on AWS and the merchant's endpoint with no latency goal: 128 MB. The five routes
 * of the typical session fit both budgets at 256 MB (the bench's `memory_mb.*` rows since the
 * bundles shrank: their start-up CPU now stays within a second there); routes the typical
 * session does not use keep 1024 MB until measured.
 * The expiry sweep is CPU-bound (a read and a write per due session, 2–3 ms of CPU at a full
 * vCPU): at 128 MB one run expires some 1 500 sessions, at 1024 MB about 8 times that, for the
 * same GB-s per session; the larger size costs only its waits: a few cents a month for a run a
 * minute, about a cent a million sessions for its reads (docs/expiry.md).
 */
const MEASURED_MEMORY: LambdaMemory = {
  route: 1024,
  worker: 128,
  byFunction: { CreateSession: 256, RetrieveSession: 256, PatchSession: 256, CheckoutPage: 256, CheckoutPay: 256, ExpireSessions: 1024 },
};

const BASE = {
  httpTimeout: Duration.seconds(10),
  workerTimeout: Duration.seconds(WORK_QUEUE.consumerTimeoutSeconds),
  unattachedUploadDays: 1,
  api5xxRatePercent: 5,
  emailFrom: 'no-reply@checkout.example.com',
};

/**
 * Dev and staging: a few sessions a second, no reserved concurrency, the minimum concurrency on
 * every queue but the webhook's (its former fixed 5).
 */
const SMALL_CAPACITY = (sessionsPerSecond: number): Capacity => ({
  sessionsPerSecond,
  reservedConcurrency: {},
  queueConcurrency: { webhook: 5, email: queueSlots('email', SES_PER_SECOND), sms: queueSlots('sms', SNS_SMS_PER_SECOND) },
  expiryTimeout: Duration.seconds(60),
});

/**
 * Prod, sized for 1 000 sessions created a second (docs/capacity.md, "1 000 a second"):
 * - webhooks: every session ends paid or expired, so ~1 000 webhooks/s; at a 500 ms merchant
 *   that is 50 concurrent batches (a backlog after a merchant outage reaches it as at most 500
 *   requests in flight);
 * - the webhook worker reserves its 50 plus 10 for the retries' share, so an HTTP burst can
 *   neither starve nor be starved by it;
 * - the stream router runs one batch per stream shard (~6–12 shards at ~6 000 WCU/s); 50
 *   reserved leaves room for the table's partitions to split;
 * - e-mail and SMS are bounded by the SES and SNS quotas, not by Lambda: their concurrency
 *   follows the quota (queueSlots), and the quota requests come first (docs/capacity.md).
 */
const PROD_CAPACITY: Capacity = {
  sessionsPerSecond: 1000,
  reservedConcurrency: { RouteEvents: 50, DeliverWebhook: 60 },
  queueConcurrency: { webhook: queueSlots('webhook', 1000), email: queueSlots('email', SES_PER_SECOND), sms: queueSlots('sms', SNS_SMS_PER_SECOND) },
  expiryTimeout: Duration.seconds(60),
};

const STAGE_CONFIGS: Record<StageName, StageConfig> = {
  dev: {
    ...BASE,
    stage: 'dev',
    logRetention: RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    apiThrottle: { rateLimit: 20, burstLimit: 40 },
    lambdaMemory: { route: 512, worker: 512 },
    logLevel: 'DEBUG',
    auditRetentionDays: 30,
    retrieveRequiresAuth: false,
    capacity: SMALL_CAPACITY(5),
  },
  staging: {
    ...BASE,
    stage: 'staging',
    logRetention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    apiThrottle: { rateLimit: 100, burstLimit: 200 },
    lambdaMemory: MEASURED_MEMORY,
    logLevel: 'INFO',
    auditRetentionDays: 90,
    retrieveRequiresAuth: false,
    capacity: SMALL_CAPACITY(20),
  },
  prod: {
    ...BASE,
    stage: 'prod',
    logRetention: RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    // Per route: 1 000 sessions/s are 1 000 creates and up to 2 000 retrieves a second, with
    // room for bursts; the account's default 10 000 requests/s (burst 5 000) carries the ~6 000
    // of all routes together (docs/capacity.md).
    apiThrottle: { rateLimit: 2500, burstLimit: 5000 },
    lambdaMemory: MEASURED_MEMORY,
    logLevel: 'INFO',
    auditRetentionDays: 400,
    retrieveRequiresAuth: false,
    capacity: PROD_CAPACITY,
  },
};

/** Per-deployment values that are not worth a code change: `-c alarmEmail=ops@example.com`. */
export interface StageOverrides {
  alarmEmail?: string;
  emailFrom?: string;
  publicUrl?: string;
  /** Both or neither: an ACM certificate in the stack's region covering the domain. */
  domainName?: string;
  certificateArn?: string;
}

export function stageConfig(stage: string, overrides: StageOverrides = {}): StageConfig {
  if (!(STAGES as readonly string[]).includes(stage)) {
    throw new Error(`Unknown stage "${stage}": use -c stage=${STAGES.join('|')}.`);
  }
  const config = { ...STAGE_CONFIGS[stage as StageName] };
  if (overrides.alarmEmail) config.alarmEmail = overrides.alarmEmail;
  if (overrides.emailFrom) config.emailFrom = overrides.emailFrom;
  if (overrides.publicUrl) config.publicUrl = overrides.publicUrl.replace(/\/+$/, '');
  if (Boolean(overrides.domainName) !== Boolean(overrides.certificateArn)) {
    throw new Error('A custom domain needs both -c domainName=… and -c certificateArn=… (an ACM certificate in the stack\'s region).');
  }
  if (overrides.domainName && overrides.certificateArn) {
    config.customDomain = { domainName: overrides.domainName.toLowerCase(), certificateArn: overrides.certificateArn };
  }
  return config;
}
