import type { Customer } from '../../canonical/customer.ts';
import { RecordEntity } from '../reference/records.ts';
import type { CustomerAttributeGroup, CustomerField } from './attribute-groups.ts';

/**
 * What customer sync keeps in the hub's record store (`deps.records`), by entity name. The
 * golden record is the canonical Customer other flows read (order capture resolves customers
 * against it); the rest is this flow's bookkeeping beside it.
 */
export const CustomerRecordEntity = {
  /** key: hub id — the golden record (a canonical Customer; `version` = its revision). */
  golden: RecordEntity.customer,
  /** key: hub id — how the golden record came about and what each system holds. */
  syncState: 'customer-sync',
  /** key: `<event id>/<group>` — a change refused because its system does not own the group. */
  change: 'customer-change',
  /** key: `latest` — the most recent refused changes, for the console panel. */
  recentChanges: 'customer-change-recent',
  /** key: merge id — a merge of two golden records, with what is needed to undo it. */
  merge: 'customer-merge',
  /** key: `totals` — the counts of the demo report. */
  stats: 'customer-sync-stats',
} as const;

/** What one source record (a Shopify customer, a Salesforce Account...) last reported. */
export interface SourceView {
  system: string;
  /** Version (ms) of the newest report of this record; an older report is ignored. */
  version: number;
  /** Comparable form of each field it stated (null: it said "none"). */
  fields: Partial<Record<CustomerField, string | null>>;
}

/** What a target role holds, as far as the hub knows: what it was sent, or confirmed holding. */
export interface TargetView {
  /** The sync state sequence it was last sent (or confirmed) at: orders the writes of one customer. */
  sequence: number;
  fields: Partial<Record<CustomerField, string | null>>;
  /** What the latest write sent it, less the fields it has since reported back (caught up). */
  sent?: Partial<Record<CustomerField, string | null>>;
  /**
   * Values sent before `sent` that the system has not yet been seen to move past: a report of
   * one of them is the system echoing an earlier write of the hub, not a change by its users.
   */
  earlier?: Partial<Record<CustomerField, string | null>>[];
}

/** The bookkeeping beside a golden record. */
export interface CustomerSyncState {
  hubId: string;
  /**
   * Record version of this state: it moves on with every change of the customer's bookkeeping
   * (more often than the golden revision), so it also versions the writes to the systems — a
   * write that sets a system back (after a refused change) is newer than the one before it.
   */
  seq: number;
  createdAt: number;
  /** Per field: the version (ms) of the change its golden value came from. */
  fieldVersions: Partial<Record<CustomerField, number>>;
  /** Per source record (`<system>:<its id>`): what it last reported. */
  sources: Record<string, SourceView>;
  /** Per target role: what it holds. */
  targets: Record<string, TargetView>;
  /** Other hub ids of this customer: records merged into it, ids other systems or flows gave it. */
  aliases: string[];
  /** Customers an operator separated from this one (an undone merge): never merged again automatically. */
  distinctFrom: string[];
  /**
   * Match keys of customers merged into this one (their e-mails, phones, loyalty and external
   * ids): the customer is still found by them, though it keeps only its own values.
   */
  mergedMatchKeys?: string[];
}

/** A change a system made to a group it does not own: recorded and shown, not applied. */
export interface RejectedCustomerChange {
  hubId: string;
  group: CustomerAttributeGroup;
  fields: CustomerField[];
  /** Who tried: the system and the role it plays here. */
  system: string;
  role: string | null;
  /** Who owns the group. */
  owner: string | null;
  /** The values proposed (personal data: masked wherever shown). */
  proposed: Partial<Customer>;
  eventId: string;
  correlationId: string | null;
  /** When the change was made in its system (ms). */
  changedAt: number;
  recordedAt: number;
  status: 'rejected';
}

/** A merge of one golden record into another, reversible with `unmergeCustomers`. */
export interface CustomerMerge {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  status: 'active' | 'undone';
  /** Kinds of keys the profile that revealed the duplicate matched each record by (email, phone...). */
  matchedOn: string[];
  reason: string;
  trigger: { system: string; eventId: string; correlationId: string | null };
  mergedAt: number;
  mergedBy: string;
  /** The merged record as it was, in full, to restore it. */
  merged: { record: Customer; state: CustomerSyncState };
  /** What the survivor took from the merged record, to give back on undo. */
  contributed: {
    fields: Partial<Record<CustomerField, string | null>>;
    externalIds: Record<string, string>;
    aliases: string[];
    sources: string[];
    /** Match keys of the merged record the survivor is now also found by. */
    matchKeys?: string[];
  };
  /** External ids of the merged record the survivor already had another id for (kept on the merged record). */
  conflictingExternalIds: Record<string, string>;
  undoneAt?: number;
  undoneBy?: string;
  undoReason?: string;
}

/** The counts of the demo report. */
export interface CustomerSyncStats {
  changes: number;
  fannedOut: number;
  rejectedNonOwner: number;
  merged: number;
  unmerged: number;
}

export const EMPTY_STATS: CustomerSyncStats = { changes: 0, fannedOut: 0, rejectedNonOwner: 0, merged: 0, unmerged: 0 };
