import { readFile } from 'node:fs/promises';

/**
 * A secret a script needs (an API key, a webhook signing key) from `--<name>-file`,
 * `--<name>-stdin` or an environment variable, never from argv: the shell history and `ps` keep
 * a command line. `--<name>` itself is declared only to refuse it with that reason.
 */
export function secretOptions(name: string) {
  return {
    [name]: { type: 'string' },
    [`${name}-file`]: { type: 'string' },
    [`${name}-stdin`]: { type: 'boolean' },
  } as const;
}

/** The secret, or undefined when none of its sources is given. */
export async function readSecretOption(values: Record<string, unknown>, name: string, env: string): Promise<string | undefined> {
  const ways = `--${name}-file, --${name}-stdin or ${env}`;
  if (values[name] !== undefined) throw new Error(`--${name} would leave the secret in the shell history: use ${ways}.`);
  const file = values[`${name}-file`];
  if (typeof file === 'string') return (await readFile(file, 'utf8')).trim();
  if (values[`${name}-stdin`]) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').trim();
  }
  return process.env[env] || undefined;
}
