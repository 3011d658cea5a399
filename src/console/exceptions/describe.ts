import type { DeadLetter } from '../../ports/storage.ts';

/** How the console names systems and target roles to a person. */
const SYSTEM_NAMES: Readonly<Record<string, string>> = {
  netsuite: 'NetSuite',
  salesforce: 'Salesforce',
  shopify: 'Shopify',
  sap: 'SAP S/4HANA',
  businesscentral: 'Business Central',
  wms: 'the warehouse system',
  payments: 'the payment provider',
  erp: 'the ERP',
  crm: 'the CRM',
  commerce: 'the storefront',
};

/** Operations as past participles: "could not be booked in NetSuite". */
const OPERATION_VERBS: readonly [RegExp, string][] = [
  [/^book/i, 'booked'],
  [/^(create|insert)/i, 'created'],
  [/^(upsert|update|set|sync|publish)/i, 'updated'],
  [/^(cancel)/i, 'cancelled'],
  [/^(refund|issueRefund)/i, 'refunded'],
  [/^(issueCreditMemo|creditMemo)/i, 'credited'],
  [/^(release|allocate)/i, 'released'],
];

/** Titles for cards and headings, where "the ERP" would read oddly. */
const SYSTEM_TITLES: Readonly<Record<string, string>> = {
  erp: 'ERP',
  crm: 'CRM',
  commerce: 'Storefront',
  wms: 'Warehouse',
  payments: 'Payments',
};

export function systemTitle(name: string): string {
  return SYSTEM_TITLES[name.toLowerCase()] ?? systemName(name);
}

export function systemName(name: string): string {
  return SYSTEM_NAMES[name.toLowerCase()] ?? name;
}

function entityLabel(entity: unknown): string {
  if (typeof entity !== 'string' || entity === '') return 'Item';
  const words = entity.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[-_]/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function businessKeyOf(entry: Pick<DeadLetter, 'key' | 'context'>): string {
  const businessKey = entry.context.businessKey;
  return typeof businessKey === 'string' && businessKey !== '' ? businessKey : entry.key;
}

/** `REQUIRED_FIELD_MISSING (Name)`, or the failure's type when the system gave no code. */
export function errorLabel(error: DeadLetter['error']): string {
  const code = error.code ?? error.type;
  return error.field ? `${code} (${error.field})` : code;
}

/**
 * One sentence an operator understands without opening the payload:
 * "Order SO-1001 could not be booked in NetSuite: REQUIRED_FIELD_MISSING (Name)".
 */
export function describeDeadLetter(entry: Pick<DeadLetter, 'kind' | 'target' | 'key' | 'context' | 'error'>, operation?: string): string {
  const what = `${entityLabel(entry.context.entity)} ${businessKeyOf(entry)}`;
  const system = systemName(entry.error.system ?? entry.target);
  if (entry.kind === 'flow') return `${what} is stuck in flow ${entry.target}: ${errorLabel(entry.error)}`;
  const op = operation ?? (typeof entry.context.operation === 'string' ? entry.context.operation : undefined);
  const verb = op ? OPERATION_VERBS.find(([pattern]) => pattern.test(op))?.[1] : undefined;
  return `${what} could not be ${verb ? `${verb} in` : 'delivered to'} ${system}: ${errorLabel(entry.error)}`;
}
