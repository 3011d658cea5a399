import type { ConfigPath } from './errors.ts';
import { OwnedEntity, type CrossdockConfig } from './schema.ts';
import { closestMatch } from './suggest.ts';
import type { SchemaIssue } from './validate.ts';

/**
 * Checks the system-of-record block (DESIGN.md "System-of-record ownership") against the rest
 * of the configuration: the entity must be one of the canonical model's, and the owner must be
 * a declared system role (when systems are declared at all: the embedded demo declares none).
 */
export function checkOwnership(config: CrossdockConfig): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const roles = Object.keys(config.systems);
  for (const [rule, owner] of Object.entries(config.ownership)) {
    const path: ConfigPath = ['ownership', rule];
    const entity = rule.split('.')[0]!;
    if (!OwnedEntity.includes(entity)) {
      const suggestion = closestMatch(entity, OwnedEntity);
      issues.push({
        path,
        aboutKey: true,
        message: `"${entity}" is not an entity of the canonical model${suggestion ? `; did you mean "${suggestion}"?` : ` (one of ${OwnedEntity.join(', ')})`}`,
      });
    }
    if (roles.length > 0 && !roles.includes(owner)) {
      const suggestion = closestMatch(owner, roles);
      issues.push({
        path,
        message: `owner "${owner}" is not a system declared under "systems" (declared: ${roles.join(', ')})${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      });
    }
  }
  return issues;
}
