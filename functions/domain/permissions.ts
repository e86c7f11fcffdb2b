import type { Plugin, PluginPermission, User } from './config';
import type { OperationName } from './operations';

/** Who is calling: an API key may do everything; a Basic user only what their permissions say. */
export type Principal = { kind: 'api_key'; id: string; /** The key's label. */ name?: string } | { kind: 'user'; id: string; user: User };

/**
 * Who did something, as Ottu's payloads show it (`initiator`): the Basic user's username, or the
 * API key's label (its prefix when it has none). We keep no numeric user ids or contact details.
 */
export interface Initiator {
  username: string;
  kind: 'api_key' | 'user';
}

export function initiatorOf(principal: Principal): Initiator {
  if (principal.kind === 'user') return { username: principal.id, kind: 'user' };
  return { username: principal.name || principal.id, kind: 'api_key' };
}

export function mayOnPlugin(principal: Principal, plugin: Plugin, permission: PluginPermission): boolean {
  return principal.kind === 'api_key' || (principal.user.permissions[plugin] ?? []).includes(permission);
}

/** The codes among `codes` that the caller has no `use` permission on. */
export function unusableCodes(principal: Principal, codes: readonly string[]): string[] {
  if (principal.kind === 'api_key') return [];
  return codes.filter((code) => !principal.user.pg_codes.includes(code));
}

/** Whether the caller may perform `operation` (refund, capture, …): API keys may; users need it granted. */
export function mayOperate(principal: Principal, operation: OperationName): boolean {
  return principal.kind === 'api_key' || (principal.user.operations ?? []).includes(operation);
}
