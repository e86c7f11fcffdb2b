import { MemoryConfigStore } from '../../functions/adapters/embedded/memory-config-store';
import { EMPTY_CONFIG } from '../../functions/app/edit-merchant-config';
import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoSessionRepository } from '../../functions/adapters/aws/dynamo-session-repository';
import { sessionEvent } from '../../functions/domain/events';
import type { Ports } from '../../functions/ports';
import { replayEvents } from '../../scripts/replay-events';
import { createTestTable } from '../fixtures/dynamo-table';
import { describeAws } from '../fixtures/moto';
import { changed, sampleSession } from '../fixtures/sessions';

describeAws('replay-events: the recovery for a router outage beyond the stream retention', () => {
  test('routes again the events that session items hold, since the given time, with the session as committed', async () => {
    const table = await createTestTable('replay');
    const client = createDocumentClient();
    try {
      const repo = new DynamoSessionRepository(client, table.name);
      const before = new Date('2026-11-25T09:00:00.000Z');
      const during = new Date('2026-11-25T11:00:00.000Z');
      const old = sampleSession({ webhook_url: 'https://merchant.example.com/hook' });
      await repo.create(old, [sessionEvent('created', old, randomUUID(), before)]);
      const session = sampleSession({ webhook_url: 'https://merchant.example.com/hook' });
      await repo.create(session, [sessionEvent('created', session, randomUUID(), before)]);
      const paid = changed(session, { state: 'paid' });
      const event = sessionEvent('paid', paid, randomUUID(), during);
      await repo.update(paid, session, [event]);

      const published: { channel: string; message: unknown }[] = [];
      const queue = { publish: async (channel: string, message: unknown) => void published.push({ channel, message }) } as unknown as Ports['queue'];
      const totals = await replayEvents(new Date('2026-11-25T10:00:00.000Z'), { sessions: repo, queue, config: new MemoryConfigStore(EMPTY_CONFIG, 'key') }, client, table.name);
      expect(totals).toMatchObject({ sessions: 1, events: 1 });
      expect(published).toContainEqual({ channel: 'webhook', message: expect.objectContaining({ channel: 'webhook', event }) });
      expect(published.every(({ message }) => (message as { event: { session_id: string } }).event.session_id === session.session_id)).toBe(true);
    } finally {
      client.destroy();
      await table.drop();
    }
  });
});
