import { runTrigger } from './trigger-event';

// npm run trigger -- <event>: fires one webhook event end to end on a running API (see trigger-event.ts).
runTrigger(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line), env: process.env }).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
