import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { WORK_QUEUE, type QueueName } from '../functions/config/queues';

import { STAGES, type StageName } from '../functions/config/stages';
import type { SessionRetention } from '../functions/domain/retention';

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
  /**
   * Days a closed session is kept after its last change before DynamoDB's TTL removes it (and
   * the event router its attachment): `paidDays` when money moved (paid, authorized), else
   * `unpaidDays` (failed, canceled, expired; the paid window when an attempt or an operation was
   * left undecided). Never while it is open (functions/domain/retention.ts; docs/data-retention.md).
   */
  sessionRetention: SessionRetention;
  /** Uploaded files still under `uploads/` (never attached to a session) are deleted after this. */
  unattachedUploadDays: number;
  /**
   * The AWS account and region the stage must deploy to (`-c account=… -c region=…`, or set
   * here). Required for prod: its stacks are pinned to them, so `cdk deploy` refuses credentials
   * of another account, and a synth whose credentials name another account or region fails.
   */
  account?: string;
  region?: string;
  /** Safe deploys: `canary` shifts 10% of traffic for 5 minutes and rolls back on alarms; `all-at-once` for dev. */
  deployment: 'canary' | 'all-at-once';
  /** The table's AWS Backup plan: daily, kept this long; optionally copied to another vault (another region or account). */
  backup: { retentionDays: number; copyToVaultArn?: string };
  /**
   * Days an overwritten or deleted attachment stays as a noncurrent version: at least the
   * table's point-in-time window (35 days), so a table restored to any point still finds the
   * files its sessions name.
   */
  attachmentNoncurrentDays: number;
  /** Alarms reach a person: required in prod (`-c alarmEmail=…`). */
  requireAlarmEmail: boolean;
  /** Concurrency and quotas (docs/capacity.md): what the stage is sized to carry, with the reasons. */
  capacity: Capacity;
}

/** DynamoDB's point-in-time recovery window (fixed by AWS at 35 days). */
export const PITR_WINDOW_DAYS = 35;

/** SES refuses this sender: a stage that must deliver e-mail needs `-c emailFrom=…`. */
export const EXAMPLE_EMAIL_FROM = 'no-reply@checkout.example.com';

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
  queueConcurrency: Readonly<Record<QueueName, number>>;
  /** The expiry sweep: one invocation per shard a minute, each with this timeout (its share of the minute). */
  expiryTimeout: Duration;
}

/** Messages per SQS batch and how long a batch takes, per consumer (docs/capacity.md). */
const SECONDS_PER_BATCH: Record<QueueName, number> = {
  // A merchant endpoint answering in 500 ms (the batch's ten calls run in parallel).
  webhook: 0.5,
  // SES SendEmail and SNS Publish answer in ~100 ms in-region; ten in parallel.
  email: 0.15,
  sms: 0.15,
  // The automatic inquiry: one Retrieve Order (up to the gateway timeout, 4 s) and a write.
  sync: 4,
};

/**
 * Concurrent batches that carry `perSecond` messages of `channel`: Lambda's minimum for an SQS
 * event source's maximum concurrency is 2. For e-mail and SMS `perSecond` is the account's SES or
 * SNS quota: more concurrency than the quota only turns sends into throttling retries.
 */
export function queueSlots(channel: QueueName, perSecond: number): number {
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
 * The expiry sweep is CPU-bound (per due session its write and a share of its page's batch
 * read, a few ms of CPU): it gets one full vCPU, 1 769 MB, the most a single-threaded Node
 * process uses. Below that Lambda slows the CPU in proportion to memory, so each size costs the
 * same GB-s per session and a larger one only expires more per run (the 1 000-a-second lag goal
 * needs ten shards' runs to keep up; docs/expiry.md); its waits, overlapped with 25 sessions in
 * flight, cost a few cents a million sessions more.
 */
const MEASURED_MEMORY: LambdaMemory = {
  route: 1024,
  worker: 128,
  byFunction: { CreateSession: 256, RetrieveSession: 256, PatchSession: 256, CheckoutPage: 256, CheckoutPay: 256, ExpireSessions: 1769 },
};

const BASE = {
  httpTimeout: Duration.seconds(10),
  workerTimeout: Duration.seconds(WORK_QUEUE.consumerTimeoutSeconds),
  unattachedUploadDays: 1,
  api5xxRatePercent: 5,
  emailFrom: EXAMPLE_EMAIL_FROM,
  attachmentNoncurrentDays: PITR_WINDOW_DAYS + 1,
};

/**
 * Dev and staging: a few sessions a second, no reserved concurrency, the minimum concurrency on
 * every queue but the webhook's (its former fixed 5).
 */
const SMALL_CAPACITY = (sessionsPerSecond: number): Capacity => ({
  sessionsPerSecond,
  reservedConcurrency: {},
  queueConcurrency: { webhook: 5, email: queueSlots('email', SES_PER_SECOND), sms: queueSlots('sms', SNS_SMS_PER_SECOND), sync: 2 },
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
  queueConcurrency: { webhook: queueSlots('webhook', 1000), email: queueSlots('email', SES_PER_SECOND), sms: queueSlots('sms', SNS_SMS_PER_SECOND), sync: queueSlots('sync', 25) },
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
    // Test data: a week after it closed, a month if it was paid (enough to try a late refund).
    sessionRetention: { paidDays: 30, unpaidDays: 7 },
    retrieveRequiresAuth: false,
    deployment: 'all-at-once',
    backup: { retentionDays: 7 },
    requireAlarmEmail: false,
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
    sessionRetention: { paidDays: 90, unpaidDays: 30 },
    retrieveRequiresAuth: false,
    deployment: 'all-at-once',
    backup: { retentionDays: 14 },
    requireAlarmEmail: false,
    capacity: SMALL_CAPACITY(20),
  },
  prod: {
    ...BASE,
    stage: 'prod',
    // 90 days: enough to investigate a disputed payment's delivery trail; the logs hold no
    // personal data (docs/data-retention.md), but a year of them was cost without a use.
    logRetention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    // Per route: 1 000 sessions/s are 1 000 creates and up to 2 000 retrieves a second, with
    // room for bursts; the account's default 10 000 requests/s (burst 5 000) carries the ~6 000
    // of all routes together (docs/capacity.md).
    apiThrottle: { rateLimit: 2500, burstLimit: 5000 },
    lambdaMemory: MEASURED_MEMORY,
    logLevel: 'INFO',
    auditRetentionDays: 400,
    // Paid: 540 days, the card networks' longest dispute window counted from the transaction
    // (chargebacks, pre-arbitration), so a dispute or a late refund always finds its session.
    // Unpaid (failed, canceled, expired): 90 days, as long as the logs, so a support question
    // about an abandoned payment can still be answered from both; nothing else needs them.
    sessionRetention: { paidDays: 540, unpaidDays: 90 },
    retrieveRequiresAuth: false,
    deployment: 'canary',
    backup: { retentionDays: 35 },
    requireAlarmEmail: true,
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
  account?: string;
  region?: string;
  /** A Backup vault (another region or account) the daily backups are copied to. */
  backupCopyVaultArn?: string;
}

export function stageConfig(stage: string, overrides: StageOverrides = {}): StageConfig {
  if (!(STAGES as readonly string[]).includes(stage)) {
    throw new Error(`Unknown stage "${stage}": use -c stage=${STAGES.join('|')}.`);
  }
  const config = { ...STAGE_CONFIGS[stage as StageName] };
  if (overrides.alarmEmail) config.alarmEmail = overrides.alarmEmail;
  if (overrides.emailFrom) config.emailFrom = overrides.emailFrom;
  if (overrides.account) config.account = overrides.account;
  if (overrides.region) config.region = overrides.region;
  if (overrides.backupCopyVaultArn) config.backup = { ...config.backup, copyToVaultArn: overrides.backupCopyVaultArn };
  if (overrides.publicUrl) config.publicUrl = overrides.publicUrl.replace(/\/+$/, '');
  if (Boolean(overrides.domainName) !== Boolean(overrides.certificateArn)) {
    throw new Error('A custom domain needs both -c domainName=… and -c certificateArn=… (an ACM certificate in the stack\'s region).');
  }
  if (overrides.domainName && overrides.certificateArn) {
    config.customDomain = { domainName: overrides.domainName.toLowerCase(), certificateArn: overrides.certificateArn };
  }
  return config;
}

/** Where the credentials of this synth point (CDK_DEFAULT_ACCOUNT/REGION; unset offline). */
export interface CallerEnvironment {
  account?: string;
  region?: string;
}

/**
 * What a stage must have before it can be deployed: prod is refused with a placeholder (no
 * alarm e-mail, the example SES sender), without its account and region, or with credentials
 * of another account or region. Each message names the context key that fixes it.
 */
export function checkDeployable(config: StageConfig, caller: CallerEnvironment): void {
  const problems: string[] = [];
  if (config.requireAlarmEmail && !config.alarmEmail) {
    problems.push('-c alarmEmail=<address>: the alarms must reach a person (the address confirms the SNS subscription after the first deploy).');
  }
  if (config.stage === 'prod' && config.emailFrom === EXAMPLE_EMAIL_FROM) {
    problems.push(`-c emailFrom=<sender>: ${EXAMPLE_EMAIL_FROM} is the example sender, which SES refuses; use an address of a verified SES identity.`);
  }
  if (config.stage === 'prod' && (!config.account || !config.region)) {
    problems.push('-c account=<12 digits> -c region=<region>: prod deploys only to the account and region it is pinned to.');
  }
  if (config.account && caller.account && caller.account !== config.account) {
    problems.push(`the credentials are for account ${caller.account}, but the ${config.stage} stage is pinned to ${config.account} (-c account).`);
  }
  if (config.region && caller.region && caller.region !== config.region) {
    problems.push(`the region is ${caller.region}, but the ${config.stage} stage is pinned to ${config.region} (-c region).`);
  }
  const { paidDays, unpaidDays } = config.sessionRetention;
  if (![paidDays, unpaidDays].every((days) => Number.isInteger(days) && days >= 1 && days <= 99_999)) {
    problems.push(`sessionRetention: ${paidDays} and ${unpaidDays} days must be whole numbers of days from 1 (lib/stage-config.ts).`);
  } else if (paidDays < unpaidDays) {
    problems.push(`sessionRetention: a paid session (${paidDays} days) must be kept at least as long as an unpaid one (${unpaidDays} days).`);
  }
  if (problems.length > 0) throw new Error(`The ${config.stage} stage cannot be synthesized:\n- ${problems.join('\n- ')}`);
}
