import type { Ports } from '../ports';

/**
 * The ports of this process, built once (module scope, so a warm Lambda reuses its clients).
 * Handlers ask for them here and never import an adapter themselves.
 */
let current: Ports | undefined;

export function getPorts(): Ports {
  current ??= buildFromEnvironment();
  return current;
}

/** The embedded runtime and tests install their own ports before serving requests. */
export function setPorts(ports: Ports): void {
  current = ports;
}

function buildFromEnvironment(): Ports {
  const backend = process.env.CHECKOUT_BACKEND ?? (process.env.AWS_LAMBDA_FUNCTION_NAME ? 'aws' : 'embedded');
  throw new Error(
    backend === 'aws'
      ? 'The AWS adapters are not wired yet: set CHECKOUT_BACKEND=embedded or use the embedded runtime (npm start).'
      : 'No ports installed: start the embedded runtime (functions/runtime/local-runtime.ts) first.',
  );
}
