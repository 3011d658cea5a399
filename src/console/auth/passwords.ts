import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Console passwords are stored as scrypt hashes (RFC 7914) in the configuration, never in
 * clear: `scrypt$<N>$<r>$<p>$<salt base64url>$<key base64url>`. The cost parameters travel
 * with the hash, so they can be raised later without invalidating existing users.
 *
 * N=2^15, r=8, p=1 is the OWASP Password Storage Cheat Sheet's scrypt recommendation
 * (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#scrypt):
 * about 32 MiB and a few tens of milliseconds per check.
 */
const DEFAULT_COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const PREFIX = 'scrypt';

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  // maxmem must cover 128 * N * r bytes, plus headroom; node's default (32 MiB) is just short.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * Hashes a console password for the `users` configuration.
 *
 * @example
 * const passwordHash = await hashConsolePassword('correct horse battery staple');
 * consolePlugin({ users: [{ name: 'maria', role: 'operator', passwordHash }], ... })
 */
export async function hashConsolePassword(password: string, cost: { N: number; r: number; p: number } = DEFAULT_COST): Promise<string> {
  if (password.length === 0) throw new RangeError('a console password must not be empty');
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, cost);
  return [PREFIX, cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  cost: { N: number; r: number; p: number };
  salt: Buffer;
  key: Buffer;
}

export function parsePasswordHash(hash: string): ParsedHash | undefined {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((value) => Number.isSafeInteger(value) && value > 0)) return undefined;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length === 0 || key.length === 0) return undefined;
  return { cost: { N, r, p }, salt, key };
}

/** True when `password` matches `hash`; compares in constant time. A malformed hash never matches. */
export async function verifyConsolePassword(password: string, hash: string): Promise<boolean> {
  const parsed = parsePasswordHash(hash);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.cost);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}
