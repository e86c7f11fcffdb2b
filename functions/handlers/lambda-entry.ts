import { setting } from '../config/env';

/**
 * A Lambda's exported `handler`, built by `build` from its adapter factories. In Lambda it is built
 * at init, so a missing setting fails the cold start with the variable's name instead of the
 * first event; elsewhere (the local gateway importing the module, tests) only when first called.
 */
export function lambdaEntry<A extends unknown[], R>(build: () => (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let built = setting('AWS_LAMBDA_FUNCTION_NAME') ? build() : undefined;
  return (...args) => (built ??= build())(...args);
}
