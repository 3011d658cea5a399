import { hashConsolePassword } from './passwords.ts';

/**
 * Prints the scrypt hash of a console password read from stdin, for the `users` configuration:
 *   printf '%s' 'the password' | npx tsx src/console/auth/hash-password.ts
 * Reading stdin keeps the password out of the shell history and the process list.
 */
async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  process.stdout.write(`${await hashConsolePassword(password)}\n`);
}

await main();
