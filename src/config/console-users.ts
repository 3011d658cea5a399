import { formatPath } from './errors.ts';
import type { SchemaIssue } from './validate.ts';

/**
 * A console user name is the login and the actor in the audit log: two entries with one name
 * would make both ambiguous (and the console refuses them at start), so the loader refuses them
 * first, naming both places.
 */
export function checkConsoleUsers(users: readonly unknown[]): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const firstIndexByName = new Map<string, number>();
  users.forEach((user, index) => {
    const name = (user as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    const first = firstIndexByName.get(name);
    if (first === undefined) {
      firstIndexByName.set(name, index);
      return;
    }
    issues.push({
      path: ['console', 'users', index, 'name'],
      message: `"${name}" is already configured at ${formatPath(['console', 'users', first])}: every console user needs a name of its own`,
    });
  });
  return issues;
}
