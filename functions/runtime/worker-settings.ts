import { WEBHOOK_TIMEOUT_MS } from '../app/deliver-webhook';
import type { Templates } from '../domain/notification-message';
import { TEMPLATES } from '../templates/templates.generated';

/** What the queue consumers need besides their ports. */
export interface WorkerSettings {
  /** Base URL of the deployment for links in notifications (CHECKOUT_PUBLIC_URL on AWS). */
  publicUrl: string;
  webhookTimeoutMs: number;
  templates: Templates;
}

let current: WorkerSettings | undefined;

export function getWorkerSettings(): WorkerSettings {
  current ??= fromEnvironment(process.env);
  return current;
}

/** The embedded runtime knows its URL only once it listens, and tests shorten the timeout. */
export function setWorkerSettings(settings: Partial<WorkerSettings>): void {
  current = { publicUrl: '', webhookTimeoutMs: WEBHOOK_TIMEOUT_MS, templates: TEMPLATES, ...settings };
}

function fromEnvironment(env: NodeJS.ProcessEnv): WorkerSettings {
  const publicUrl = env.CHECKOUT_PUBLIC_URL?.replace(/\/+$/, '');
  // Fail at cold start, not in the middle of a send: the `created` e-mail needs the link.
  if (!publicUrl || !/^https?:\/\//.test(publicUrl)) throw new Error('CHECKOUT_PUBLIC_URL must be set to the deployment base URL (http(s)://…)');
  return { publicUrl, webhookTimeoutMs: WEBHOOK_TIMEOUT_MS, templates: TEMPLATES };
}
