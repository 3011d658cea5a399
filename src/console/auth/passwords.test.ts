import { describe, expect, it } from 'vitest';
import { hashConsolePassword, parsePasswordHash, verifyConsolePassword } from './passwords.ts';

const CHEAP = { N: 1024, r: 8, p: 1 };

describe('console passwords', () => {
  it('verifies the password it hashed and nothing else', async () => {
    const hash = await hashConsolePassword('Kassel-Lager-7', CHEAP);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(hash).not.toContain('Kassel');
    await expect(verifyConsolePassword('Kassel-Lager-7', hash)).resolves.toBe(true);
    await expect(verifyConsolePassword('kassel-lager-7', hash)).resolves.toBe(false);
  });

  it('salts: the same password hashes differently twice', async () => {
    expect(await hashConsolePassword('same', CHEAP)).not.toBe(await hashConsolePassword('same', CHEAP));
  });

  it('uses the OWASP scrypt cost by default', async () => {
    expect(parsePasswordHash(await hashConsolePassword('default cost'))?.cost).toEqual({ N: 32768, r: 8, p: 1 });
  });

  it('never matches a malformed hash', async () => {
    for (const hash of ['', 'plain-text', 'scrypt$x$8$1$c2FsdA$a2V5', 'bcrypt$10$8$1$c2FsdA$a2V5', 'scrypt$1024$8$1$$']) {
      await expect(verifyConsolePassword('anything', hash)).resolves.toBe(false);
    }
  });

  it('refuses an empty password', async () => {
    await expect(hashConsolePassword('', CHEAP)).rejects.toThrow(/must not be empty/);
  });
});
