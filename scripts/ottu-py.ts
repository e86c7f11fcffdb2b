import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startLocal } from '../functions/local/local-runtime';

/**
 * `npm run ottu-py -- <ottu-py src dir>`: Ottu's own Python SDK (ottuco/ottu-py, unchanged)
 * against the embedded API. Starts the API on a free port with loopback webhooks, runs
 * test/compat/ottu-py-driver.py with the SDK's `src/` on PYTHONPATH and prints its checks.
 * The SDK is never part of this project: clone it yourself (docs/operations.md).
 * test/compat/ottu-py.test.ts runs the same when OTTU_PY_SRC is set.
 */

/** Debian's interpreter: python3-httpx is installed for it, not for a pyenv python3 on PATH. */
export const OTTU_PY_PYTHON = process.env.OTTU_PY_PYTHON ?? '/usr/bin/python3';
const DRIVER = join(__dirname, '..', 'test', 'compat', 'ottu-py-driver.py');

export interface OttuPyResult {
  exitCode: number | null;
  output: string;
  passed: string[];
  failed: string[];
}

/** Why the check cannot run here (no SDK, no interpreter, no httpx), or undefined when it can. */
export function ottuPyUnavailable(srcDir: string | undefined): string | undefined {
  if (!srcDir) return 'OTTU_PY_SRC is not set (the path of ottu-py\'s src/ directory)';
  if (!existsSync(join(srcDir, 'ottu', 'ottu.py'))) return `${srcDir} has no ottu/ottu.py`;
  const probe = spawnSync(OTTU_PY_PYTHON, ['-c', 'import httpx, asgiref'], { encoding: 'utf8' });
  if (probe.error) return `${OTTU_PY_PYTHON} cannot run: ${probe.error.message}`;
  if (probe.status !== 0) return `${OTTU_PY_PYTHON} cannot import httpx and asgiref (apt-get install python3-httpx python3-asgiref)`;
  return undefined;
}

/** Starts the API, runs the driver to its end, stops the API. `echo` streams the driver's output. */
export async function runOttuPy(srcDir: string, { echo = false } = {}): Promise<OttuPyResult> {
  const webhookKey = 'ottu-py-webhook-key';
  const basic = 'ottu-py-clerk:ottu-py-password';
  const apiKey = 'ottupy.0123456789abcdefghijklmnop';
  const api = await startLocal({
    port: 0,
    env: { CHECKOUT_DEMO_API_KEY: apiKey, CHECKOUT_DEMO_BASIC: basic, CHECKOUT_DEMO_WEBHOOK_KEY: webhookKey, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' },
    // The saved-card checks pay at the local MPGS (mpgs-kwd), as the customer's browser would.
    localMpgs: { notificationTimeScale: 0.001 },
  });
  try {
    const child = spawn(OTTU_PY_PYTHON, [DRIVER], {
      env: {
        PATH: process.env.PATH,
        PYTHONPATH: resolve(srcDir),
        PYTHONDONTWRITEBYTECODE: '1',
        OTTU_BASE_URL: api.url,
        OTTU_API_KEY: apiKey,
        OTTU_WEBHOOK_KEY: webhookKey,
        OTTU_BASIC: basic,
        OTTU_MPGS_URL: api.mpgs!.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (echo) process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const exitCode = await new Promise<number | null>((done) => child.on('close', done));
    return { exitCode, output, ...summary(output) };
  } finally {
    await api.close();
  }
}

/** The driver's last line: {"passed": [...], "failed": [...]}; both empty when it crashed first. */
function summary(output: string): Pick<OttuPyResult, 'passed' | 'failed'> {
  const last = output.trim().split('\n').reverse().find((line) => line.startsWith('{"passed"'));
  return last ? (JSON.parse(last) as Pick<OttuPyResult, 'passed' | 'failed'>) : { passed: [], failed: [] };
}

if (require.main === module) {
  const srcDir = process.argv[2] ?? process.env.OTTU_PY_SRC;
  const reason = ottuPyUnavailable(srcDir);
  if (reason) {
    console.error(`ottu-py check cannot run: ${reason}`);
    process.exit(2);
  }
  runOttuPy(srcDir!, { echo: true }).then(
    (result) => {
      console.log(`\nottu-py: ${result.passed.length} passed, ${result.failed.length} failed`);
      process.exit(result.exitCode === 0 ? 0 : 1);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
