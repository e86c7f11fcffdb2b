import { QUEUE_NAMES, STREAM_EVENT_SOURCE, STREAM_FAILURES_QUEUE, WORK_QUEUE } from '../../functions/config/queues';
import { tableDefinition, TTL_ATTRIBUTE } from '../../functions/config/table';
import { synthStage, type SynthesizedApp } from './synth-app';

// The stacks are built from functions/config; so are the emulator bootstrap and the test tables
// (test/aws/bootstrap-queues.test.ts checks the bootstrap's queues). Any drift fails here.
let dev: SynthesizedApp;

beforeAll(() => {
  dev = synthStage('dev');
});

type Resource = { Type: string; Properties: Record<string, any> };
const resourcesOf = (type: string) => Object.entries(dev.data.findResources(type) as Record<string, Resource>);
const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }) => String(a.AttributeName).localeCompare(String(b.AttributeName));

test('the stack\'s table is tableDefinition: keys, expiry index, TTL, stream', () => {
  const [[, table]] = resourcesOf('AWS::DynamoDB::Table') as [[string, Resource]];
  const definition = tableDefinition('any');
  const { Properties: p } = table;
  expect({
    BillingMode: p.BillingMode,
    KeySchema: p.KeySchema,
    AttributeDefinitions: [...p.AttributeDefinitions].sort(byName),
    GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
    StreamViewType: p.StreamSpecification.StreamViewType,
  }).toEqual({
    BillingMode: definition.BillingMode,
    KeySchema: definition.KeySchema,
    AttributeDefinitions: [...definition.AttributeDefinitions!].sort(byName),
    GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes,
    StreamViewType: definition.StreamSpecification!.StreamViewType,
  });
  expect(p.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
});

test('each queue (the channels\' and the automatic inquiry\'s) and its DLQ carry WORK_QUEUE\'s settings', () => {
  const queues = Object.fromEntries(resourcesOf('AWS::SQS::Queue'));
  const work = Object.values(queues).filter((queue) => queue.Properties.RedrivePolicy);
  expect(work).toHaveLength(QUEUE_NAMES.length);
  for (const queue of work) {
    const dlq = queues[queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]]!;
    expect({
      visibility: queue.Properties.VisibilityTimeout,
      retention: queue.Properties.MessageRetentionPeriod,
      maxReceiveCount: queue.Properties.RedrivePolicy.maxReceiveCount,
      dlqRetention: dlq.Properties.MessageRetentionPeriod,
    }).toEqual({
      visibility: WORK_QUEUE.visibilityTimeoutSeconds,
      retention: WORK_QUEUE.retentionSeconds,
      maxReceiveCount: WORK_QUEUE.maxReceiveCount,
      dlqRetention: WORK_QUEUE.dlqRetentionSeconds,
    });
  }
});

test('the stream-failures queue keeps records as long as STREAM_FAILURES_QUEUE says', () => {
  const [[, queue]] = resourcesOf('AWS::SQS::Queue').filter(([id]) => id.startsWith('StreamFailures')) as [[string, Resource]];
  expect(queue.Properties.MessageRetentionPeriod).toBe(STREAM_FAILURES_QUEUE.retentionSeconds);
});

test('the consumers\' timeout and event sources are the configured ones', () => {
  expect(dev.config.workerTimeout.toSeconds()).toBe(WORK_QUEUE.consumerTimeoutSeconds);
  const mappings = Object.values(dev.api.findResources('AWS::Lambda::EventSourceMapping') as Record<string, Resource>).map((m) => m.Properties);
  const sqs = mappings.filter((m) => !m.StartingPosition);
  expect(sqs).toHaveLength(QUEUE_NAMES.length);
  for (const mapping of sqs) {
    expect([mapping.BatchSize, mapping.MaximumBatchingWindowInSeconds]).toEqual([WORK_QUEUE.batchSize, WORK_QUEUE.maxBatchingWindowSeconds]);
  }
  expect(mappings.filter((m) => m.StartingPosition)).toEqual([
    expect.objectContaining({
      StartingPosition: STREAM_EVENT_SOURCE.startingPosition,
      BatchSize: STREAM_EVENT_SOURCE.batchSize,
      BisectBatchOnFunctionError: STREAM_EVENT_SOURCE.bisectBatchOnError,
      MaximumRetryAttempts: STREAM_EVENT_SOURCE.retryAttempts,
      MaximumRecordAgeInSeconds: STREAM_EVENT_SOURCE.maxRecordAgeSeconds,
      // The filter patterns are in the template as defined once, so the emulator can match on them.
      FilterCriteria: { Filters: STREAM_EVENT_SOURCE.filterPatterns.map((pattern) => ({ Pattern: JSON.stringify(pattern) })) },
    }),
  ]);
});
