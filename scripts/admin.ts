import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { AdminIo } from './admin/cli';
import { runAdmin } from './admin/commands';

// npm run admin -- <command>: the DevOps CLI (scripts/admin/cli.ts says how it behaves).

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new Error('nothing piped to stdin: pipe the secret in, or use the --<name>-file option');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal itself (/dev/tty), so stdin stays free for a piped secret. */
async function ask(question: string): Promise<string> {
  const tty = createReadStream('/dev/tty');
  await new Promise<void>((resolve, reject) => tty.once('open', () => resolve()).once('error', reject));
  const prompt = createInterface({ input: tty, output: process.stderr });
  try {
    return await prompt.question(question);
  } finally {
    prompt.close();
    tty.destroy();
  }
}

const io: AdminIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
  readStdin,
  readFile: (path) => readFile(path, 'utf8'),
  ask,
};

runAdmin(process.argv.slice(2), io).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
