import { runAdmin } from './admin-commands';

// npm run admin -- <command>: edits a stage's merchant configuration (see admin-commands.ts).
runAdmin(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line), env: process.env }).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
