import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROUTES, type Route } from '../../functions/config/routes';
import { REQUIRE_BANNER } from '../../lib/constructs/checkout-function';
import { esbuildOptions } from '../../lib/constructs/lambda-bundling';
import { buildSync } from 'esbuild';
import { synthStage, type SynthesizedApp } from './synth-app';

// The one test that runs esbuild for real: two routes (the smallest and the largest dependency
// set), bundled as `cdk synth` would, then loaded by a separate Node process as Lambda would.
const BUNDLED = ROUTES.filter((r) => r.id === 'RetrieveSession' || r.id === 'CreateSession');
let outdir: string;
let app: SynthesizedApp;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'checkout-cdk-'));
  app = synthStage('dev', { bundle: true, routes: BUNDLED, outdir });
  app.app.synth();
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function bundleOf(route: Route): string {
  const [, fn] = Object.entries(app.api.findResources('AWS::Lambda::Function', { Properties: { Description: `${route.method} ${route.path}` } }))[0]!;
  const key = (fn as { Properties: { Code: { S3Key: string } } }).Properties.Code.S3Key;
  return join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
}

// Runs in a child process: imports the bundle as an ES module and calls its handler with an
// API Gateway event for `<route path>/extra` through the trailing-slash sibling route, which the
// middleware answers 404 before any port is needed.
const PROBE = `
const [file, routeKey] = process.argv.slice(1);
const mod = await import(file);
const event = {
  version: '2.0', routeKey, rawPath: '/x/extra', rawQueryString: '', headers: { host: 'example.com' },
  pathParameters: { session_id: 'abc', proxy: 'extra' }, isBase64Encoded: false,
  requestContext: { requestId: 'probe', routeKey, stage: '$default', domainName: 'example.com', http: { method: routeKey.split(' ')[0], path: '/x/extra', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'probe' } },
};
const context = { functionName: 'probe', functionVersion: '1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:probe', memoryLimitInMB: '512', awsRequestId: 'probe', getRemainingTimeInMillis: () => 10000 };
const response = await mod.handler(event, context);
process.stdout.write(JSON.stringify({ exports: Object.keys(mod), response }));
`;

describe.each(BUNDLED.map((r) => [r.id, r] as const))('%s bundle', (_id, route) => {
  test('is a minified ESM file with a source map and the createRequire banner', () => {
    const file = bundleOf(route);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}.map`)).toBe(true);
    const code = readFileSync(file, 'utf8');
    // Compared on slices: a failure must not print a megabyte of bundle.
    expect(code.slice(0, REQUIRE_BANNER.length)).toBe(REQUIRE_BANNER);
    expect(code.slice(-20_000).match(/export\s*\{[^}]*\bas handler\b/)).not.toBeNull();
  });

  // The benchmarks (bench/bundle-size.ts) measure bundles built with esbuildOptions(): they must be
  // what NodejsFunction ships, byte for byte.
  test('is what the bench builds with the shared bundling settings', () => {
    const file = join(outdir, `bench-${route.id}.mjs`);
    buildSync({ ...esbuildOptions(join(__dirname, '..', '..', 'functions', 'handlers', `${route.handler}.ts`), file), absWorkingDir: join(__dirname, '..', '..'), logLevel: 'silent' });
    const strip = (code: string) => code.replace(/\/\/# sourceMappingURL=.*\n?$/, '');
    const shipped = strip(readFileSync(bundleOf(route), 'utf8'));
    const benched = strip(readFileSync(file, 'utf8'));
    expect(benched.length).toBe(shipped.length);
    expect(benched === shipped).toBe(true);
  });

  test('leaves out the adapters of services it has no grant for', () => {
    const code = readFileSync(bundleOf(route), 'utf8');
    // The S3 client signs with this header name; SQS, SES and SNS are used by no HTTP route.
    expect(code.includes('x-amz-copy-source')).toBe(Boolean(route.needs?.bucket?.length));
    expect(code.includes('SendEmailCommand')).toBe(false);
  });

  test('loads in Node as Lambda loads it and its handler answers through the middleware', () => {
    const routeKey = `${route.method} ${route.path}/{proxy+}`;
    const out = execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', PROBE, pathToFileURL(bundleOf(route)).href, routeKey], {
      // As Lambda starts it: the handler is built at init from these settings (no call is made).
      env: {
        PATH: process.env.PATH,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        AWS_REGION: 'eu-west-1',
        AWS_LAMBDA_FUNCTION_NAME: route.id,
        CHECKOUT_TABLE: 'checkout-dev-table',
        CHECKOUT_BUCKET: 'checkout-dev-attachments',
        CHECKOUT_AUDIT_RETENTION_DAYS: '30',
        CHECKOUT_PUBLIC_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const { exports, response } = JSON.parse(out) as { exports: string[]; response: { statusCode: number; body: string } };
    expect(exports).toContain('handler');
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({ detail: 'Not found.' });
  });
});
