import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * How every Lambda of the app is bundled: the CheckoutFunction construct passes LAMBDA_BUNDLING
 * to NodejsFunction, and the benchmarks (bench/bundle-size.ts) build with esbuildOptions(), the
 * same settings in esbuild's own terms, so what is measured is what ships. test/infra/bundle.test.ts
 * checks that both produce the same bytes.
 */

// ESM bundles have no `require`; CommonJS dependencies bundled into them (the AWS SDK's, middy's
// helpers) still call it for Node built-ins, so the bundle defines one first.
export const REQUIRE_BANNER = "import { createRequire as __checkoutCreateRequire } from 'node:module'; const require = __checkoutCreateRequire(import.meta.url);";

export const LAMBDA_BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // ESM builds of dependencies when they ship one (smaller, tree-shaken).
  mainFields: ['module', 'main'],
  banner: REQUIRE_BANNER,
  // Bundle the SDK too: the clients we tested against, not whatever the runtime carries, and a
  // faster cold start than loading the runtime's copy file by file (docs/benchmarks.md measures it).
  bundleAwsSDK: true,
  externalModules: [],
} as const satisfies BundlingOptions;

/** NodejsFunction's esbuild command line for LAMBDA_BUNDLING, as build options (bundle to `outfile`). */
export function esbuildOptions(entry: string, outfile: string, overrides: Partial<BuildOptions> = {}): BuildOptions {
  const b = LAMBDA_BUNDLING;
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: b.target,
    format: b.format,
    minify: b.minify,
    sourcemap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    mainFields: [...b.mainFields],
    banner: { js: b.banner },
    external: [...b.externalModules],
    logLevel: 'warning',
    ...overrides,
  };
}
