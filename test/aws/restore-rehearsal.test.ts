import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { sharedParameterName } from '../../functions/config/stages';
import { runAdmin, type AdminIo } from '../../scripts/admin/commands';
import { createTestTable } from '../fixtures/dynamo-table';
import { describeAws, useMotoEnv } from '../fixtures/moto';

/**
 * docs/runbook.md, "Restore the table", steps 1–4 on moto: restore into a new table (moto has no
 * PITR or Backup restore, so the items are copied, which is what a restore hands back), point the
 * stage's SSM parameter at it, and check with the admin CLI that the stage now reads it.
 */
describeAws('restore rehearsal', () => {
  beforeAll(() => useMotoEnv());

  test('a restored table, pointed to by the stage\'s parameter, is what the admin CLI reads', async () => {
    const original = await createTestTable('restore-src');
    const restored = await createTestTable('restore-dst');
    const ssm = new SSMClient({});
    const parameter = sharedParameterName('staging', 'table-name');
    const out: string[] = [];
    const io: AdminIo = { out: (l) => out.push(l), err: () => undefined, env: { ...process.env, CHECKOUT_STAGE: '' }, readStdin: async () => '', readFile: async () => '' };
    try {
      await ssm.send(new PutParameterCommand({ Name: parameter, Value: original.name, Type: 'String', Overwrite: true }));
      expect(await runAdmin(['add-currency', 'KWD', '--stage', 'staging'], io)).toBe(0);
      expect(await runAdmin(['add-currency', 'USD', '--stage', 'staging'], io)).toBe(0);

      // Step 1: the restore (every item, as of the restore point).
      const client = dynamoDocumentClient();
      const { Items = [] } = await client.send(new ScanCommand({ TableName: original.name }));
      expect(Items.length).toBeGreaterThan(0);
      for (const item of Items) await client.send(new PutCommand({ TableName: restored.name, Item: item }));
      // What happened after the restore point is not in the restored table.
      expect(await runAdmin(['add-currency', 'EUR', '--stage', 'staging'], io)).toBe(0);

      // Step 3: point the stage at the restored table.
      await ssm.send(new PutParameterCommand({ Name: parameter, Value: restored.name, Type: 'String', Overwrite: true }));
      // Step 4: check.
      out.length = 0;
      expect(await runAdmin(['show-config', '--stage', 'staging', '--json'], io)).toBe(0);
      expect(JSON.parse(out.join('\n')).config.currencies).toEqual(['KWD', 'USD']);
    } finally {
      await ssm.send(new DeleteParameterCommand({ Name: parameter })).catch(() => undefined);
      ssm.destroy();
      await original.drop();
      await restored.drop();
    }
  }, 30_000);
});
