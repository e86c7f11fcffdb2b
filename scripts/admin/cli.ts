import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ValidationError } from '../../functions/domain/errors';
import { stageTarget, type StageTarget } from './stage-target';

/**
 * The admin CLI's framework (`npm run admin -- <command>`): every command parses its options,
 * runs against one stage and returns one result, which is printed either as sentences or, with
 * `--json`, as one JSON document on stdout (errors too: `{"ok": false, "error": …}`). Secrets
 * come from stdin or a file (`--<name>-stdin`, `--<name>-file`), never from argv, where the
 * shell history and `ps` would keep them. A command that changes a prod stage asks for the
 * stage's name first unless `--yes` is given. Command modules (config-commands.ts,
 * queue-commands.ts, …) each export a record of `Command`s; commands.ts lists them.
 */

export interface AdminIo {
  /** stdout: the result (sentences, or the one JSON document). */
  out(line: string): void;
  /** stderr: progress, prompts and errors in text mode. */
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  /** The whole of stdin (a secret piped in); rejects when stdin is a terminal. */
  readStdin(): Promise<string>;
  /** Reads a file (a secret kept in a file). */
  readFile(path: string): Promise<string>;
  /** Asks a person a question on the terminal; undefined when there is no terminal to ask. */
  ask?(question: string): Promise<string>;
}

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = ReturnType<typeof parseArgs>['values'];

/** What a command returns: the data for `--json`, and the sentences a person reads. */
export interface CommandResult {
  data: Record<string, unknown>;
  text: string;
}

export interface Context {
  values: Values;
  positionals: string[];
  target: StageTarget;
  io: AdminIo;
  json: boolean;
  /** A progress line on stderr (never on stdout, which holds the one result). */
  progress(line: string): void;
  /** The secret named `name` from `--<name>-stdin` or `--<name>-file`; undefined if neither is given. */
  secret(name: string): Promise<string | undefined>;
}

export interface Command {
  /** One usage block for the help text (options and what the command does). */
  usage: string;
  options: Options;
  positionals: number;
  /** Changes the stage (configuration, secrets, queues): a prod stage asks first unless --yes. */
  changes: boolean;
  /** Names of secrets the command reads (each gets --<name>-stdin and --<name>-file). */
  secrets?: readonly string[];
  run(context: Context): Promise<CommandResult>;
}

/** Thrown for a bad command line: exit code 2 and the usage. */
export class UsageError extends Error {}

const COMMON: Options = {
  stage: { type: 'string' },
  table: { type: 'string' },
  json: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  help: { type: 'boolean', short: 'h' },
};

export const COMMON_USAGE = `Options every command takes:
  --stage dev|staging|prod   find the stage's table and queues from its SSM parameters (/checkout/<stage>/…);
                             without it: --table or CHECKOUT_TABLE, and the CHECKOUT_*_QUEUE_URL variables
  --json                     print one JSON document on stdout (errors too: {"ok": false, "error": …})
  --yes, -y                  change a prod stage without asking for its name first
Secrets are read from stdin (--<name>-stdin) or a file (--<name>-file), never from the command line.`;

/** Option definitions for the secrets a command reads, plus the argv form, which is refused. */
function secretOptions(names: readonly string[]): Options {
  return Object.fromEntries(
    names.flatMap((name) => [
      [`${name}-stdin`, { type: 'boolean' }],
      [`${name}-file`, { type: 'string' }],
      [name, { type: 'string' }],
    ]),
  );
}

/** Runs one admin command; returns the process exit code (0 done, 1 failed, 2 bad usage or refused). */
export async function runCommand(commands: Readonly<Record<string, Command>>, usage: string, argv: string[], io: AdminIo): Promise<number> {
  const [name = '', ...rest] = argv;
  const json = rest.includes('--json') || name === '--json';
  const print = printer(io, json, name);
  if (['help', '--help', '-h'].includes(name)) {
    io.out(usage);
    return 0;
  }
  const command = commands[name];
  if (!command) return print.failure(2, new UsageError(`${name ? `Unknown command "${name}".` : 'No command given.'}`), usage);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...COMMON, ...command.options, ...secretOptions(command.secrets ?? []) }, allowPositionals: command.positionals > 0, strict: true });
    if (parsed.positionals.length !== command.positionals) throw new UsageError(`${name} takes ${command.positionals || 'no'} argument(s).`);
    for (const secret of command.secrets ?? []) {
      if (parsed.values[secret] !== undefined) throw new UsageError(`--${secret} would leave the secret in the shell history and the process list: use --${secret}-stdin or --${secret}-file.`);
      if (parsed.values[`${secret}-stdin`] && parsed.values[`${secret}-file`] !== undefined) throw new UsageError(`Give --${secret}-stdin or --${secret}-file, not both.`);
    }
  } catch (error) {
    return print.failure(2, error, usage);
  }
  if (parsed.values.help) {
    io.out(usage);
    return 0;
  }
  try {
    const target = stageTarget({ stage: str(parsed.values.stage), table: str(parsed.values.table), env: io.env });
    if (command.changes) await confirm(target, Boolean(parsed.values.yes), io, name);
    const context: Context = {
      values: parsed.values,
      positionals: parsed.positionals,
      target,
      io,
      json,
      progress: (line) => io.err(json ? JSON.stringify({ progress: line }) : line),
      secret: (secretName) => readSecret(parsed.values, secretName, io),
    };
    const result = await command.run(context);
    print.success(result, target);
    return 0;
  } catch (error) {
    return print.failure(error instanceof ValidationError || error instanceof UsageError || error instanceof RefusedError ? 2 : 1, error);
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** A prod stage (named, or recognised by its resource names) changes only after its name is typed, or with --yes. */
class RefusedError extends Error {}

async function confirm(target: StageTarget, yes: boolean, io: AdminIo, command: string): Promise<void> {
  const stage = await target.stageName();
  if (stage !== 'prod' || yes) return;
  const noTerminal = new RefusedError(`${command} changes the prod stage: there is no terminal to confirm on, so pass --yes.`);
  if (!io.ask) throw noTerminal;
  const answer = await io.ask(`${command} changes the prod stage. Type "prod" to continue: `).catch(() => {
    throw noTerminal;
  });
  if (answer.trim() !== 'prod') throw new RefusedError(`${command} not run: the prod stage was not confirmed.`);
}

async function readSecret(values: Values, name: string, io: AdminIo): Promise<string | undefined> {
  let raw: string;
  if (values[`${name}-stdin`]) raw = await io.readStdin();
  else if (typeof values[`${name}-file`] === 'string') raw = await io.readFile(values[`${name}-file`] as string);
  else return undefined;
  // One trailing newline is the terminator `echo` or an editor adds, not part of the secret.
  const secret = raw.replace(/\r?\n$/, '');
  if (secret === '') throw new ValidationError({ [name]: [`The ${name} read from ${values[`${name}-stdin`] ? 'stdin' : 'the file'} is empty.`] });
  return secret;
}

function printer(io: AdminIo, json: boolean, command: string) {
  return {
    success(result: CommandResult, target: StageTarget) {
      if (json) io.out(JSON.stringify({ ok: true, command, stage: target.knownStage() ?? null, ...result.data }, null, 2));
      else io.out(result.text);
    },
    failure(code: number, error: unknown, usage?: string): number {
      const message = error instanceof Error ? error.message : String(error);
      const fields = error instanceof ValidationError ? error.fields : undefined;
      if (json) {
        io.out(JSON.stringify({ ok: false, command: command || null, error: { message: fields ? 'Invalid input.' : message, ...(fields ? { fields } : {}) } }, null, 2));
        return code;
      }
      if (fields) for (const [field, messages] of Object.entries(fields)) io.err(`${field}: ${[messages].flat().join(' ')}`);
      else io.err(code === 1 ? `${command} failed: ${message}` : message);
      if (usage) io.err(`\n${usage}`);
      return code;
    },
  };
}
