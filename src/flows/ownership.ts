/**
 * System-of-record ownership (DESIGN.md): which role owns an entity or one of its attribute
 * groups. The configuration's `ownership:` block overrides these defaults rule by rule.
 */
export const DEFAULT_OWNERSHIP: Readonly<Record<string, string>> = {
  product: 'erp',
  price: 'erp',
  inventory: 'erp',
  'order.status': 'erp',
  invoice: 'erp',
  'customer.identity': 'crm',
  'customer.billing': 'erp',
  'customer.preferences': 'crm',
  'customer.consent': 'crm',
  'customer.loyalty': 'crm',
  case: 'crm',
};

export interface Ownership {
  /** The role owning `entity.group`, falling back to the entity's rule; undefined when unowned. */
  ownerOf(entity: string, group?: string): string | undefined;
  /** True when `role` owns `entity.group` (or nobody does: unowned data is anyone's to write). */
  owns(role: string, entity: string, group?: string): boolean;
  /** The rules in force, defaults merged with configuration. */
  readonly rules: Readonly<Record<string, string>>;
}

export function createOwnership(configured: Readonly<Record<string, string>> = {}): Ownership {
  const rules = { ...DEFAULT_OWNERSHIP, ...configured };
  const ownerOf = (entity: string, group?: string) => (group !== undefined ? rules[`${entity}.${group}`] : undefined) ?? rules[entity];
  return {
    rules,
    ownerOf,
    owns(role, entity, group) {
      const owner = ownerOf(entity, group);
      return owner === undefined || owner === role;
    },
  };
}
