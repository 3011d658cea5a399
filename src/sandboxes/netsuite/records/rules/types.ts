import type { Fields, NsRecord, RecordStore } from '../store.ts';

export interface RuleContext {
  store: RecordStore;
  /** The stored version being replaced (its effects already reversed), absent on create. */
  previous?: NsRecord;
}

/**
 * The business behaviour of one record type: validation with derived fields, and the effects a
 * saved record has on others (stock, quantities fulfilled, credit applied). An update reverses the
 * old effects, prepares the new version, then applies its effects, so every check sees the ERP's
 * state without the record being replaced.
 */
export interface RecordRules {
  /** Validates a draft and returns it with derived fields; throws NetSuiteApiError. */
  prepare(draft: Fields, context: RuleContext): Fields;
  apply?(record: NsRecord, store: RecordStore): void;
  reverse?(record: NsRecord, store: RecordStore): void;
}
