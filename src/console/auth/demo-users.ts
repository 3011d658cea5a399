import { hashConsolePassword } from './passwords.ts';
import { ConsoleRole, type ConsoleUser } from './roles.ts';

/** Known passwords for the throw-away demo hub only; `crossdock demo` prints them at start. */
export const DEMO_CONSOLE_CREDENTIALS = [
  { name: 'admin', role: ConsoleRole.admin, password: 'crossdock-admin' },
  { name: 'operator', role: ConsoleRole.operator, password: 'crossdock-operator' },
  { name: 'viewer', role: ConsoleRole.viewer, password: 'crossdock-viewer' },
] as const;

/**
 * One user per role with the demo passwords above. Never use it for a hub holding real data:
 * configure `users` with your own hashes (see docs/console.md).
 *
 * @example
 * const users = await demoConsoleUsers();
 * for (const c of DEMO_CONSOLE_CREDENTIALS) console.log(`${c.role}: ${c.name} / ${c.password}`);
 */
export async function demoConsoleUsers(): Promise<ConsoleUser[]> {
  return Promise.all(
    DEMO_CONSOLE_CREDENTIALS.map(async (credential) => ({ name: credential.name, role: credential.role, passwordHash: await hashConsolePassword(credential.password) })),
  );
}
