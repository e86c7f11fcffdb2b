import { serveCallCounter } from './call-counter';

/** The child process of `startCallCounter`: serves the proxy, sends its URL, then the calls on each 'take'. */
async function main(): Promise<void> {
  const counter = await serveCallCounter(process.argv[2]!);
  process.on('message', (message) => {
    if (message === 'take') process.send!(counter.take());
  });
  // The bench gone (finished or killed), so is its proxy.
  process.on('disconnect', () => process.exit(0));
  process.send!({ url: counter.url });
}

void main();
