import { fork } from 'node:child_process';
import { once } from 'node:events';
import { startReceiver } from '../test/fixtures/webhook-receiver';

/**
 * The merchant's webhook endpoint in a child process, answering 200: its parsing and answering
 * are the merchant's CPU, not the webhook consumer's, so they stay out of the bench's CPU figures.
 */
export async function startReceiverProcess(): Promise<{ url: string; close(): Promise<void> }> {
  const child = fork(__filename, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ url }] = (await once(child, 'message')) as [{ url: string }];
  return {
    url,
    close: async () => {
      const exited = once(child, 'exit');
      child.kill();
      await exited;
    },
  };
}

if (require.main === module) {
  process.on('disconnect', () => process.exit(0));
  void startReceiver(200).then((receiver) => process.send!({ url: receiver.url }));
}
