import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { WORK_QUEUE } from '../functions/config/queues';

export const STAGES = ['dev', 'staging', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

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
}

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
 * of the typical session fit both budgets at 512 MB (below it their ~150–250 ms of start-up CPU
 * takes over a second); routes the typical session does not use keep 1024 MB until measured.
 * The expiry sweep is CPU-bound (a read and a write per due session, 2–3 ms of CPU at a full
 * vCPU): at 128 MB one run expires some 1 500 sessions, at 1024 MB about 8 times that, for the
 * same GB-s per session; the larger size costs only its waits: a few cents a month for a run a
 * minute, about a cent a million sessions for its reads (docs/expiry.md).
 */
const MEASURED_MEMORY: LambdaMemory = {
  route: 1024,
  worker: 128,
  byFunction: { CreateSession: 512, RetrieveSession: 512, PatchSession: 512, CheckoutPage: 512, CheckoutPay: 512, ExpireSessions: 1024 },
};

const BASE = {
  httpTimeout: Duration.seconds(10),
  workerTimeout: Duration.seconds(WORK_QUEUE.consumerTimeoutSeconds),
  unattachedUploadDays: 1,
  api5xxRatePercent: 5,
  emailFrom: 'no-reply@checkout.example.com',
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
  },
  prod: {
    ...BASE,
    stage: 'prod',
    logRetention: RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    apiThrottle: { rateLimit: 500, burstLimit: 1000 },
    lambdaMemory: MEASURED_MEMORY,
    logLevel: 'INFO',
    auditRetentionDays: 400,
    retrieveRequiresAuth: false,
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
