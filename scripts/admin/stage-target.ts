import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ValidationError } from '../../functions/domain/errors';
import { gatewaySecretPrefix } from '../../functions/config/gateway-secrets';
import { QUEUE_NAMES, QUEUE_URL_VARIABLES, type QueueName } from '../../functions/config/queues';
import { sharedParameterName, STAGES, type StageName } from '../../functions/config/stages';

/**
 * Where an admin command acts: a stage's table, queues and dead-letter queues, found from the
 * stage's SSM parameters (`--stage prod`: what the Data stack publishes under /checkout/prod/),
 * or else from the environment the functions use (CHECKOUT_TABLE, CHECKOUT_*_QUEUE_URL, with
 * each DLQ found through its queue's redrive policy). Values are looked up on first use.
 */
export interface StageTarget {
  /** The stage as named (`--stage`, CHECKOUT_STAGE); undefined when only resources were given. */
  knownStage(): StageName | undefined;
  /** The stage as named, else as the Data stack's resource names tell (`Checkout-prod-Data-…`). */
  stageName(): Promise<StageName | undefined>;
  table(): Promise<string>;
  /** The attachments bucket. */
  bucket(): Promise<string>;
  queueUrl(queue: QueueName): Promise<string>;
  dlqUrl(queue: QueueName): Promise<string>;
  /** The table stream consumer's on-failure queue (records it gave up on). */
  streamFailuresUrl(): Promise<string>;
  webhookSecretId(): Promise<string>;
  /** Where the stage's functions read gateway secrets (`<prefix><pg_code>`): CHECKOUT_GATEWAY_SECRET_PREFIX, else the stage's. */
  gatewaySecretPrefix(): Promise<string>;
  sqs: SQSClient;
}

export { QUEUE_URL_VARIABLES };

interface TargetInput {
  stage?: string;
  table?: string;
  env: NodeJS.ProcessEnv;
}

export function stageTarget(input: TargetInput): StageTarget {
  const named = input.stage ?? (input.env.CHECKOUT_STAGE || undefined);
  if (named !== undefined && !(STAGES as readonly string[]).includes(named)) throw new ValidationError({ stage: [`Unknown stage "${named}": use ${STAGES.join(', ')}.`] });
  const stage = named as StageName | undefined;
  const sqs = new SQSClient({});
  let parameters: Promise<Map<string, string>> | undefined;
  const parameter = async (key: string): Promise<string> => {
    parameters ??= readParameters(stage!);
    const value = (await parameters).get(key);
    if (!value) throw new Error(`SSM parameter ${sharedParameterName(stage!, key)} not found: is the ${stage} stage deployed in this account and region?`);
    return value;
  };
  // `--stage` reads the stage's own parameters, whatever the shell's variables say; a stage named
  // by CHECKOUT_STAGE only fills in what the variables leave out.
  const fromStage = input.stage !== undefined;
  const resolve = async (variable: string, key: string, what: string): Promise<string> => {
    const value = fromStage ? undefined : input.env[variable];
    if (value) return value;
    if (stage) return parameter(key);
    throw new ValidationError({ stage: [`Give --stage, or set ${variable} (${what}).`] });
  };
  const viaRedrivePolicy = memo(async (queue: QueueName) => findDlq(sqs, await target.queueUrl(queue)));
  const target: StageTarget = {
    sqs,
    knownStage: () => stage,
    async stageName() {
      if (stage) return stage;
      // A table or queue of a deployed stage is named after its stack: Checkout-<stage>-Data-….
      const names = [input.table ?? input.env.CHECKOUT_TABLE, ...QUEUE_NAMES.map((q) => input.env[QUEUE_URL_VARIABLES[q]])];
      for (const name of names) {
        const found = /(?:^|\/)Checkout-(dev|staging|prod)-Data-/.exec(name ?? '');
        if (found) return found[1] as StageName;
      }
      return undefined;
    },
    table: async () => input.table ?? resolve('CHECKOUT_TABLE', 'table-name', 'the stage\'s table name'),
    bucket: () => resolve('CHECKOUT_BUCKET', 'bucket-name', 'the stage\'s attachments bucket'),
    queueUrl: (queue) => resolve(QUEUE_URL_VARIABLES[queue], `${queue}-queue-url`, `the ${queue} queue URL`),
    // Without the stage's parameters, a DLQ is the one its queue's redrive policy names.
    dlqUrl: async (queue) => (fromStage || (stage && !input.env[QUEUE_URL_VARIABLES[queue]]) ? parameter(`${queue}-dlq-url`) : viaRedrivePolicy(queue)),
    async streamFailuresUrl() {
      const url = fromStage ? undefined : input.env.CHECKOUT_STREAM_FAILURES_QUEUE_URL;
      if (url) return url;
      if (!stage) throw new ValidationError({ stage: ['Give --stage, or set CHECKOUT_STREAM_FAILURES_QUEUE_URL (the stream failures queue URL).'] });
      return queueUrlOfArn(sqs, await parameter('stream-failures-arn'));
    },
    async gatewaySecretPrefix() {
      const prefix = fromStage ? undefined : input.env.CHECKOUT_GATEWAY_SECRET_PREFIX;
      if (prefix) return prefix;
      const known = await target.stageName();
      if (!known) throw new ValidationError({ stage: ['Give --stage, or set CHECKOUT_GATEWAY_SECRET_PREFIX (where the functions read gateway secrets).'] });
      return gatewaySecretPrefix(known);
    },
    webhookSecretId: () => resolve('CHECKOUT_WEBHOOK_SECRET_ID', 'webhook-secret-arn', 'the webhook key\'s secret id'),
  };
  return target;
}

async function readParameters(stage: StageName): Promise<Map<string, string>> {
  const keys = ['table-name', 'bucket-name', 'stream-failures-arn', 'webhook-secret-arn', ...QUEUE_NAMES.flatMap((q) => [`${q}-queue-url`, `${q}-dlq-url`])];
  const ssm = new SSMClient({});
  const found = new Map<string, string>();
  try {
    // GetParameters takes at most 10 names a call.
    for (let i = 0; i < keys.length; i += 10) {
      const page = keys.slice(i, i + 10);
      const answer = await ssm.send(new GetParametersCommand({ Names: page.map((key) => sharedParameterName(stage, key)) }));
      for (const p of answer.Parameters ?? []) found.set(p.Name!.slice(sharedParameterName(stage, '').length), p.Value!);
    }
  } finally {
    ssm.destroy();
  }
  return found;
}

function memo<K, V>(load: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const cache = new Map<K, Promise<V>>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, load(key));
    return cache.get(key)!;
  };
}

export async function findDlq(sqs: SQSClient, queueUrl: string): Promise<string> {
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }));
  const policy = attributes.Attributes?.RedrivePolicy;
  const arn = policy ? (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn : undefined;
  if (!arn) throw new Error(`queue ${queueUrl} has no dead-letter queue (RedrivePolicy)`);
  return queueUrlOfArn(sqs, arn);
}

async function queueUrlOfArn(sqs: SQSClient, arn: string): Promise<string> {
  const [, , , , account, name] = arn.split(':');
  const found = await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }));
  if (!found.QueueUrl) throw new Error(`queue ${arn} not found`);
  return found.QueueUrl;
}
