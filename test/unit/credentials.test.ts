import { randomBytes, scryptSync } from 'node:crypto';
import { SCRYPT, needsRehash, sameHex, scryptRuns, verifyPassword } from '../../functions/domain/credentials';

/** A stored hash at cheap parameters: verifyPassword accepts any within its bounds (old hashes still verify). */
function stored(password: string, { N = 2, r = 1, p = 1 } = {}): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('hex'), key.toString('hex')].join('$');
}

describe('sameHex', () => {
  test('is true for equal hex only, and false (never a throw) for different lengths', () => {
    expect(sameHex('00ff', '00ff')).toBe(true);
    expect(sameHex('00ff', '00fe')).toBe(false);
    expect(sameHex('00ff', '00ff00')).toBe(false);
    expect(sameHex('', '00')).toBe(false);
  });
});

describe('needsRehash', () => {
  const current = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$00$00`;

  test("is false at today's parameters and true when any differs or the scheme is another", () => {
    expect(needsRehash(current)).toBe(false);
    expect(needsRehash(`scrypt$${SCRYPT.N / 2}$${SCRYPT.r}$${SCRYPT.p}$00$00`)).toBe(true);
    expect(needsRehash(`scrypt$${SCRYPT.N}$${SCRYPT.r + 1}$${SCRYPT.p}$00$00`)).toBe(true);
    expect(needsRehash(`scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p + 1}$00$00`)).toBe(true);
    expect(needsRehash(current.replace('scrypt', 'bcrypt'))).toBe(true);
  });
});

describe('verifyPassword', () => {
  test('the right password verifies, a wrong one does not, and each check counts one scrypt run', async () => {
    const hash = stored('right');
    const before = scryptRuns.count;
    expect(await verifyPassword('right', hash)).toBe(true);
    expect(await verifyPassword('wrong', hash)).toBe(false);
    expect(scryptRuns.count).toBe(before + 2);
  });

  test('another scheme, or a hash without its salt or key, is refused without running scrypt', async () => {
    const hash = stored('right');
    const before = scryptRuns.count;
    expect(await verifyPassword('right', hash.replace('scrypt', 'bcrypt'))).toBe(false);
    const [scheme, n, r, p, salt, key] = hash.split('$');
    expect(await verifyPassword('right', [scheme, n, r, p, '', key].join('$'))).toBe(false);
    expect(await verifyPassword('right', [scheme, n, r, p, salt, ''].join('$'))).toBe(false);
    expect(await verifyPassword('right', [scheme, n, r, p, salt].join('$'))).toBe(false);
    expect(scryptRuns.count).toBe(before);
  });

  test('parameters are accepted up to their bounds, so an old hash still verifies', async () => {
    expect(await verifyPassword('right', stored('right', { N: 2, r: 1, p: 1 }))).toBe(true);
    expect(await verifyPassword('right', stored('right', { N: 4, r: 16, p: 4 }))).toBe(true);
  });

  test('a corrupt hash asking for parameters out of bounds is refused without running scrypt', async () => {
    const [, , , , salt, key] = stored('right').split('$');
    const before = scryptRuns.count;
    for (const [n, r, p] of [
      [1, 1, 1],
      [SCRYPT.N * 2, 1, 1],
      [2, 0, 1],
      [2, 17, 1],
      [2, 1, 0],
      [2, 1, 5],
      ['x', 1, 1],
    ]) {
      expect(await verifyPassword('right', ['scrypt', n, r, p, salt, key].join('$'))).toBe(false);
    }
    expect(scryptRuns.count).toBe(before);
  });
});
