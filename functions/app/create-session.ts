import { durationSeconds } from '../domain/expiration';
import { sessionEvent } from '../domain/events';
import type { Principal } from '../domain/permissions';
import { defaultFields, noPayment, type Session } from '../domain/session';
import { fullSchema } from '../domain/session-schema';
import type { Ports } from '../ports';
import { assertMayWrite, resolveSessionInput } from './resolve-session-input';
import { saveOrReport } from './save-session';

export interface CreateSessionInput {
  principal: Principal;
  body: unknown;
}

export async function createSession(ports: Ports, { principal, body }: CreateSessionInput): Promise<Session> {
  const config = await ports.config.load();
  const { resolved } = resolveSessionInput(fullSchema, body, defaultFields(config.default_expiration), config);
  assertMayWrite(principal, resolved.fields, 'add');

  const now = ports.clock.now();
  const session: Session = {
    ...resolved.fields,
    session_id: ports.ids.sessionId(),
    state: 'created',
    version: 1,
    operation: resolved.operation,
    payment_methods: resolved.payment_methods,
    attachment: '',
    attachment_short_url: '',
    checkout_short_url: '',
    remarks: null,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
    expires_at: expiresAt(now, resolved.fields.expiration_time),
    ...noPayment(),
  };
  await saveOrReport(() => ports.sessions.create(session, [sessionEvent('created', session, ports.ids.eventId(), now)]));
  return session;
}

export function expiresAt(from: Date, expirationTime: string): string {
  return new Date(from.getTime() + (durationSeconds(expirationTime) ?? 0) * 1000).toISOString();
}
