import { ROUTES } from '../../functions/config/routes';
import { SCRYPT, SCRYPT_MAXMEM, SCRYPT_MEMORY_MB } from '../../functions/domain/credentials';
import { functionMemoryMb, STAGES, stageConfig } from '../../lib/stage-config';

// scrypt at OWASP's N=2^17, r=8 takes 128 MiB per hash: Node's limit must allow it, and every
// function that authenticates (the routes that keep failure counts) must hold it beside its own
// peak (55–71 MB measured by the bench, docs/benchmarks.md) with room to spare, in every stage.
const FUNCTION_PEAK_MB = 71;
const MARGIN_MB = 25;

test('scrypt fits: maxmem above 128·N·r, and every authenticating function holds it beside its own peak', () => {
  expect(SCRYPT).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
  expect(SCRYPT_MEMORY_MB).toBe(128);
  expect(SCRYPT_MAXMEM).toBeGreaterThan(128 * SCRYPT.N * SCRYPT.r);
  const authenticating = ROUTES.filter((route) => route.needs?.keys?.includes('authFailures'));
  expect(authenticating.map((route) => route.id)).toEqual(expect.arrayContaining(['CreateSession', 'SessionOperation', 'RetrieveSession']));
  for (const stage of STAGES) {
    for (const route of authenticating) expect([stage, route.id, functionMemoryMb(stageConfig(stage), route.id, 'route') >= FUNCTION_PEAK_MB + SCRYPT_MEMORY_MB + MARGIN_MB]).toEqual([stage, route.id, true]);
  }
});
