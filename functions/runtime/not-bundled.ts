/**
 * The stand-in for a port whose adapter a Lambda's bundle leaves out (it has no grant for it):
 * any use fails at once with the reason, instead of an AccessDenied from AWS later.
 */
export function notBundled<T>(port: string): T {
  const fail = () => {
    throw new Error(`The ${port} port is not in this function's bundle: add the grant to its entry in runtime/routes.ts or runtime/workers.ts (needs).`);
  };
  return new Proxy({} as object, {
    // Not a thenable: `await ports.x` must not call it.
    get: (_target, property) => (property === 'then' ? undefined : fail),
  }) as T;
}
