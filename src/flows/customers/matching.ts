import type { Customer } from '../../canonical/customer.ts';
import type { RecordStore } from '../../ports/storage.ts';
import { customerMatchKeys } from '../reference/records.ts';
import { aliasKey, loadGolden, withState, type GoldenCustomer } from './golden.ts';
import { CustomerRecordEntity } from './records.ts';
import type { CustomerReport } from './report.ts';

/** Kinds of keys a profile can be matched by (the `customers.matchOn` setting). */
export const MatchKeyKind = { email: 'email', phone: 'phone', loyalty: 'loyalty', external: 'external' } as const;
export type MatchKeyKind = (typeof MatchKeyKind)[keyof typeof MatchKeyKind];

const PREFIX_OF_KIND: Record<MatchKeyKind, string> = { email: 'email:', phone: 'phone:', loyalty: 'loyalty:', external: 'ext:' };

/** The kind of a match key, e.g. `email` for `email:ana@example.com`, `alias` for an alias. */
export function kindOfKey(key: string): string {
  if (key.startsWith('ext:')) return 'external';
  return key.slice(0, key.indexOf(':'));
}

/** The keys of a profile the configuration matches by. */
export function profileMatchKeys(customer: Customer, matchOn: readonly MatchKeyKind[]): string[] {
  const prefixes = matchOn.map((kind) => PREFIX_OF_KIND[kind]);
  return customerMatchKeys(customer).filter((key) => prefixes.some((prefix) => key.startsWith(prefix)));
}

export interface MatchedCustomer extends GoldenCustomer {
  /** Kinds of keys it matched by (`hub id`, `alias`, `email`...). */
  matchedOn: string[];
}

export interface ReportMatch {
  /** The golden record the report belongs to; undefined for a customer seen for the first time. */
  survivor: MatchedCustomer | undefined;
  /** Other golden records the same profile matches: duplicates of the survivor, to merge into it. */
  duplicates: MatchedCustomer[];
}

/**
 * Finds the golden record(s) a report belongs to: by its hub id (a system that carries the hub's
 * id, or an alias of it), then by its e-mail, phone, loyalty id and external ids. When it matches
 * several, the survivor is the one it names most directly (its hub id or alias, then its own
 * system's id, then the rest), then the oldest; the others are duplicates, except those an
 * operator separated from the survivor (an undone merge).
 */
export async function matchReport(records: RecordStore, report: CustomerReport, matchOn: readonly MatchKeyKind[]): Promise<ReportMatch> {
  const { customer } = report;
  const candidates = new Map<string, MatchedCustomer>();
  const direct = await loadGolden(records, customer.hubId);
  if (direct) candidates.set(direct.customer.hubId, { ...direct, matchedOn: ['hub id'] });

  const keys = [aliasKey(customer.hubId), ...profileMatchKeys(customer, matchOn)];
  for (const record of await records.match<Customer>(CustomerRecordEntity.golden, keys)) {
    if (candidates.has(record.key)) continue;
    const kinds = [...new Set(keys.filter((key) => record.matchKeys.includes(key)).map(kindOfKey))];
    candidates.set(record.key, { ...(await withState(records, record)), matchedOn: kinds });
  }
  const ownSystemKey = customer.externalIds[report.system] === undefined ? undefined : `ext:${report.system}:${customer.externalIds[report.system]}`;
  const rank = (candidate: MatchedCustomer) => {
    if (candidate.matchedOn.includes('hub id') || candidate.matchedOn.includes('alias')) return 0;
    if (ownSystemKey !== undefined && candidate.customer.externalIds[report.system] !== undefined && `ext:${report.system}:${candidate.customer.externalIds[report.system]}` === ownSystemKey) return 1;
    return 2;
  };
  const ordered = [...candidates.values()].sort(
    (a, b) => rank(a) - rank(b) || a.state.createdAt - b.state.createdAt || (a.customer.hubId < b.customer.hubId ? -1 : a.customer.hubId > b.customer.hubId ? 1 : 0),
  );
  const [survivor, ...others] = ordered;
  if (!survivor) return { survivor: undefined, duplicates: [] };
  const separated = (other: MatchedCustomer) =>
    survivor.state.distinctFrom.includes(other.customer.hubId) || other.state.distinctFrom.includes(survivor.customer.hubId);
  return { survivor, duplicates: others.filter((other) => !separated(other)) };
}
