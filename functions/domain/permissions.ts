import type { ApiKey, Plugin, PluginPermission, Scope, User } from './config';
import type { OperationName } from './operations';

/**
 * Who is calling. A Basic user may do what their permissions say; an API key what its scope says,
 * or everything when it has none (keys made before scopes existed). `name` is how the caller is
 * shown to people: the audit trail and an operation's `initiator` both use `principalName`.
 */
export type Principal =
  | { kind: 'api_key'; id: string; name: string; scope?: Scope }
  | { kind: 'user'; id: string; name: string; user: User };

/** The one display name of a caller: the key's name or the Basic username. */
export function principalName(principal: Principal): string {
  return principal.name;
}

export function apiKeyPrincipal(key: ApiKey): Principal {
  return { kind: 'api_key', id: key.prefix, name: key.label, ...(key.scope && { scope: key.scope }) };
}

export function userPrincipal(user: User): Principal {
  return { kind: 'user', id: user.username, name: user.username, user };
}

/** The caller's scope; undefined means unrestricted (an unscoped API key). */
function scopeOf(principal: Principal): Scope | undefined {
  return principal.kind === 'user' ? principal.user : principal.scope;
}

/**
 * Who did something, as Ottu's payloads show it (`initiator`): the Basic user's username, or the
 * API key's name. We keep no numeric user ids or contact details.
 */
export interface Initiator {
  username: string;
  kind: 'api_key' | 'user';
}

export function initiatorOf(principal: Principal): Initiator {
  return { username: principalName(principal) || principal.id, kind: principal.kind };
}

export function mayOnPlugin(principal: Principal, plugin: Plugin, permission: PluginPermission): boolean {
  const scope = scopeOf(principal);
  return !scope || (scope.permissions[plugin] ?? []).includes(permission);
}

/** The codes among `codes` that the caller has no `use` permission on. */
export function unusableCodes(principal: Principal, codes: readonly string[]): string[] {
  const scope = scopeOf(principal);
  if (!scope) return [];
  return codes.filter((code) => !scope.pg_codes.includes(code));
}

/** Whether the caller may perform `operation` (refund, capture, …): unscoped keys may; others need it granted. */
export function mayOperate(principal: Principal, operation: OperationName): boolean {
  const scope = scopeOf(principal);
  return !scope || (scope.operations ?? []).includes(operation);
}
