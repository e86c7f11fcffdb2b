import type { Ports } from '../ports';
import { awsPorts } from './aws-ports';

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

/** In Lambda (or with CHECKOUT_BACKEND=aws) the ports are the AWS adapters. */
function buildFromEnvironment(): Ports {
  const backend = process.env.CHECKOUT_BACKEND ?? (process.env.AWS_LAMBDA_FUNCTION_NAME ? 'aws' : 'embedded');
  if (backend === 'aws') return awsPorts(process.env);
  throw new Error('No ports installed: start the embedded runtime (functions/runtime/local-runtime.ts) first.');
}
