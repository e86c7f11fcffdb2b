import { DEMO_MERCHANT } from './demo-merchant';
import { startLocalMpgs } from './local-mpgs';

/** `npm run local-mpgs [-- --port 8091]`: the local MPGS on its own, with the demo merchant, until Ctrl-C. */

function portArgument(args: string[]): number {
  const at = args.indexOf('--port');
  if (at < 0) return 0;
  const port = Number(args[at + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port takes a port number (0: a free one)');
  return port;
}

async function main(): Promise<void> {
  const mpgs = await startLocalMpgs({ port: portArgument(process.argv.slice(2)), merchants: [DEMO_MERCHANT] });
  console.log(`local MPGS listening on ${mpgs.url}`);
  console.log(`merchant ${DEMO_MERCHANT.id}: API user merchant.${DEMO_MERCHANT.id}, password ${DEMO_MERCHANT.password}`);
  const stop = () => void mpgs.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
