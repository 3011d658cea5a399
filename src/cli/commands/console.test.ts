import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { verifyConsolePassword } from '../../console/index.ts';
import { runCli } from '../main.ts';
import { bufferedIo } from '../testing.ts';

/** A run whose stdin holds `input`, as when it is piped in. */
function ioWithStdin(input: string) {
  return { ...bufferedIo(), stdin: Readable.from([Buffer.from(input, 'utf8')]) };
}

describe('crossdock console hash-password', () => {
  it('prints the hash of the password piped in, ready for console.users[].passwordHash', async () => {
    const io = ioWithStdin('Kassel-Lager-7\n');
    expect(await runCli(['console', 'hash-password'], io)).toBe(0);
    const hash = io.output().trim();
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    // The final line break is not part of the password.
    expect(await verifyConsolePassword('Kassel-Lager-7', hash)).toBe(true);
    expect(await verifyConsolePassword('Kassel-Lager-7\n', hash)).toBe(false);
    expect(io.output()).not.toContain('Kassel-Lager-7');
    // The configuration takes it as it is printed.
    const config = parseConfig({ text: `console:\n  users: [{ name: maria, role: operator, passwordHash: "${hash}" }]\n  cookieSecret: ${'s'.repeat(32)}\n`, env: {} });
    expect(config.console?.users[0]?.passwordHash).toBe(hash);
  });

  it('refuses an empty stdin, showing how to pipe the password in', async () => {
    const io = ioWithStdin('');
    expect(await runCli(['console', 'hash-password'], io)).toBe(1);
    expect(io.errors()).toContain("error: no password on stdin: give it there, e.g. printf '%s' 'the password' | crossdock console hash-password");
    expect(io.output()).toBe('');
  });

  it('refuses several lines rather than hashing a file by mistake', async () => {
    const io = ioWithStdin('first\nsecond\n');
    expect(await runCli(['console', 'hash-password'], io)).toBe(1);
    expect(io.errors()).toContain('several lines');
    expect(io.output()).toBe('');
  });
});
