/**
 * Console roles, from least to most powerful. A viewer reads, with personal data masked; an
 * operator also acts on exceptions (retry, resolve, discard); an admin can do everything,
 * including reading the audit log of every operator action.
 */
export const ConsoleRole = { viewer: 'viewer', operator: 'operator', admin: 'admin' } as const;
export type ConsoleRole = (typeof ConsoleRole)[keyof typeof ConsoleRole];

const RANK: Readonly<Record<ConsoleRole, number>> = { viewer: 0, operator: 1, admin: 2 };

export function hasRole(actual: ConsoleRole, required: ConsoleRole): boolean {
  return RANK[actual] >= RANK[required];
}

/** Only viewers get masked payloads: operators must see what they are fixing. */
export function seesPersonalData(role: ConsoleRole): boolean {
  return role !== ConsoleRole.viewer;
}

export interface ConsoleUser {
  /** Login name; also the actor recorded in the audit log. */
  name: string;
  role: ConsoleRole;
  /** From `hashConsolePassword` (scrypt). */
  passwordHash: string;
}
