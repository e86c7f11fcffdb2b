import { COMMON_USAGE, runCommand, type AdminIo, type Command } from './cli';
import { CONFIG_COMMANDS } from './config-commands';
import { CREDENTIAL_COMMANDS } from './credential-commands';
import { QUEUE_COMMANDS } from './queue-commands';

export type { AdminIo } from './cli';

/** Every admin command, by name: one record per command module. */
export const COMMANDS: Readonly<Record<string, Command>> = { ...CONFIG_COMMANDS, ...CREDENTIAL_COMMANDS, ...QUEUE_COMMANDS };

export const USAGE = `Usage: npm run admin -- <command> [options]

${Object.values(COMMANDS).map((command) => `  ${command.usage}`).join('\n')}

${COMMON_USAGE}
`;

/** Runs one admin command; returns the process exit code (0 done, 1 failed, 2 bad usage or refused). */
export function runAdmin(argv: string[], io: AdminIo): Promise<number> {
  return runCommand(COMMANDS, USAGE, argv, io);
}
