import type { SerializedFailure } from '../runtime/errors.ts';

/**
 * The Storage port: everything the runtime keeps besides the event log.
 *
 * Embedded adapter: SQLite (one process). Distributed adapter: Postgres (many workers), which is
 * why claims take leases instead of relying on a single process's memory. The conformance
 * suite in `conformance/storage.ts` is the contract.
 */
export interface Storage {
  readonly delivery: DeliveryStore;
  readonly deadLetters: DeadLetterStore;
  readonly flows: FlowStore;
  readonly timers: TimerStore;
  readonly idempotency: IdempotencyStore;
  readonly xrefs: XrefStore;
  readonly schedules: ScheduleStore;
  readonly audit: AuditStore;
  readonly watermarks: WatermarkStore;
  readonly records: RecordStore;
  close(): Promise<void>;
}

// ── delivery ─────────────────────────────────────────────────────────────────────────────

export const DeliveryKind = {
  /** A state update (an inventory level, a customer profile): newer replaces older. */
  state: 'state',
  /** A command (book order, issue refund): never coalesced, never dropped. */
  command: 'command',
} as const;
export type DeliveryKind = (typeof DeliveryKind)[keyof typeof DeliveryKind];

export const DeliveryStatus = {
  pending: 'pending',
  inFlight: 'in_flight',
  delivered: 'delivered',
  dead: 'dead',
} as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

/** What an operator needs to recognise the item without reading the payload. */
export interface BusinessContext {
  entity?: string;
  /** Order number, return number, sku@location, customer id... */
  businessKey?: string;
  [field: string]: unknown;
}

export interface NewDeliveryItem {
  /** Target system role or name, e.g. `erp`, `commerce`. */
  target: string;
  kind: DeliveryKind;
  /** Ordering key: items with the same key reach the target in enqueue order. */
  key: string;
  /** Operation for the connector, e.g. `upsertInventoryLevel`, `bookOrder`. */
  operation: string;
  payload: unknown;
  /** Unique per target; enqueuing the same key twice has no second effect. */
  idempotencyKey: string;
  /**
   * For state items: the source's version (sequence or timestamp). An update whose version is
   * not newer than one already enqueued for the key is dropped as stale.
   */
  version?: number;
  /**
   * For state items: deliver `version` again even if it was enqueued before, because the
   * target's copy drifted from it (a storefront took units off its own stock for an order the
   * hub then held). Still dropped as stale when a newer version was enqueued for the key.
   */
  reassert?: boolean;
  context?: BusinessContext;
  correlationId?: string;
  traceparent?: string;
  /** Earliest time to deliver (ms since epoch); defaults to now. */
  availableAt?: number;
}

export interface DeliveryItem extends Required<Omit<NewDeliveryItem, 'context' | 'correlationId' | 'traceparent' | 'version' | 'availableAt' | 'reassert'>> {
  id: number;
  version: number | null;
  context: BusinessContext;
  correlationId: string | null;
  traceparent: string | null;
  status: DeliveryStatus;
  attempts: number;
  enqueuedAt: number;
  availableAt: number;
  lastError: SerializedFailure | null;
  deliveredAt: number | null;
  /** The target's id for what was written (e.g. the NetSuite internal id). */
  externalId: string | null;
}

export type EnqueueOutcome =
  | { outcome: 'enqueued'; id: number }
  /** Replaced the payload of a pending state item with the same key (newest wins). */
  | { outcome: 'coalesced'; id: number }
  /** Same idempotency key already enqueued for this target. */
  | { outcome: 'duplicate'; id: number }
  /** A state update older than (or as old as, unless reasserted) one already enqueued for the key. */
  | { outcome: 'stale' };

export interface ClaimOptions {
  limit: number;
  /** A smaller limit for some operations (e.g. 5 orders per Salesforce Composite request). */
  limitByOperation?: Readonly<Record<string, number>>;
  now: number;
  /** The claim expires after this; an expired claim can be taken again (crashed worker). */
  leaseMs: number;
}

export interface DeliveryStore {
  enqueue(items: readonly NewDeliveryItem[]): Promise<EnqueueOutcome[]>;
  /**
   * Takes up to `limit` ready items of a target, at most one per key and only the oldest
   * unfinished item of each key, so a key is never delivered out of order. All items of a
   * claim share one operation (that of the oldest ready item), so a claim is one request.
   */
  claim(target: string, options: ClaimOptions): Promise<DeliveryItem[]>;
  markDelivered(results: readonly { id: number; externalId?: string | undefined }[], now: number): Promise<void>;
  /** Back to pending, not before `availableAt`; counts an attempt. */
  retryLater(ids: readonly number[], options: { availableAt: number; error: SerializedFailure }): Promise<void>;
  /** Gives up on the item and records a dead letter for an operator, atomically. */
  deadLetter(id: number, options: { error: SerializedFailure; now: number }): Promise<number>;
  /** Hands back claimed items without counting an attempt (e.g. circuit opened mid-claim). */
  release(ids: readonly number[], availableAt: number): Promise<void>;
  /**
   * Hands back every in-flight item of a target regardless of lease. Only for a worker that
   * knows no other worker shares the storage (the embedded mode, at start after a crash).
   */
  recover(target: string, now: number): Promise<number>;
  get(id: number): Promise<DeliveryItem | undefined>;
  stats(target?: string): Promise<DeliveryStats[]>;
  /**
   * Items by key, key prefix (`SKU-1@`: every location of a sku) or correlation id, in id order,
   * for the trace view. A prefix is an index range, never a scan of the queue.
   */
  find(query: { key?: string; keyPrefix?: string; correlationId?: string; limit?: number }): Promise<DeliveryItem[]>;
  /** Earliest `availableAt` of pending items of a target, to sleep exactly until then. */
  nextAvailableAt(target: string): Promise<number | undefined>;
  /**
   * Unfinished (pending or in flight) items of any target with one of `operations` (left out:
   * any operation), enqueued before `enqueuedBefore`, oldest first, at most `limit`: the updates
   * waiting longer than a threshold that a "delayed" console panel lists. A coalesced state item
   * keeps its first enqueue time, so its age is that of the oldest change of its key not yet delivered.
   */
  unfinishedOlderThan(query: { operations?: readonly string[]; enqueuedBefore: number; limit: number }): Promise<DeliveryItem[]>;
  /**
   * Each flow's newest delivery activity, for the console's data freshness: per `context.flow`
   * (which `ctx.deliver` stamps on every item), when its most recently delivered item was
   * delivered and how new its newest work is. Items enqueued outside a flow are left out; dead
   * items count for neither. Ordered by flow name. Cheap enough to ask every few seconds (no
   * scan of delivered history).
   */
  flowActivity(): Promise<FlowDeliveryActivity[]>;
  /** Deletes delivered items older than `before`; returns how many. */
  prune(before: number): Promise<number>;
}

export interface DeliveryStats {
  target: string;
  pending: number;
  inFlight: number;
  delivered: number;
  dead: number;
  oldestPendingAt: number | null;
}

export interface FlowDeliveryActivity {
  flow: string;
  /**
   * The newest enqueue time among the flow's unfinished items and its most recently delivered
   * one. A coalesced state item keeps its first enqueue time.
   */
  lastEnqueuedAt: number;
  /** When its most recently delivered item was delivered; null when none is (still) on record. */
  lastDeliveredAt: number | null;
}

// ── dead letters and audit ───────────────────────────────────────────────────────────────

export const DeadLetterKind = { delivery: 'delivery', flow: 'flow' } as const;
export type DeadLetterKind = (typeof DeadLetterKind)[keyof typeof DeadLetterKind];

export const DeadLetterStatus = {
  open: 'open',
  retried: 'retried',
  resolved: 'resolved',
  discarded: 'discarded',
} as const;
export type DeadLetterStatus = (typeof DeadLetterStatus)[keyof typeof DeadLetterStatus];

export interface DeadLetter {
  id: number;
  kind: DeadLetterKind;
  status: DeadLetterStatus;
  /** Delivery target, or flow name for flow dead letters. */
  target: string;
  key: string;
  /** The delivery item id or the flow instance id. */
  ref: string;
  error: SerializedFailure;
  context: BusinessContext;
  correlationId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface DeadLetterQuery {
  status?: DeadLetterStatus;
  kind?: DeadLetterKind;
  target?: string;
  key?: string;
  /** Keys starting with this (`SKU-1@`: every location of a sku); an index range. */
  keyPrefix?: string;
  correlationId?: string;
  /** The system's error code (or the failure type when there is none). */
  errorCode?: string;
  /** Page after this id (ids grow). */
  afterId?: number;
  /**
   * Only entries up to and including this id: what existed when an operator looked (a bulk
   * action by filter acts on those, not on entries that arrived after).
   */
  throughId?: number;
  /** Newest first (default oldest first); `afterId` and `throughId` stay bounds on the id. */
  newestFirst?: boolean;
  limit?: number;
}

export interface OperatorAction {
  actor: string;
  reason: string;
  now: number;
}

export interface DeadLetterStore {
  /** Records a flow dead letter (delivery dead letters come from `DeliveryStore.deadLetter`). */
  add(entry: Omit<DeadLetter, 'id' | 'status' | 'updatedAt'>): Promise<number>;
  get(id: number): Promise<DeadLetter | undefined>;
  list(query: DeadLetterQuery): Promise<DeadLetter[]>;
  count(query: Omit<DeadLetterQuery, 'afterId' | 'limit' | 'newestFirst'>): Promise<number>;
  /** Counts by reason: target and error code, with the first entry (lowest id) of each group and when it was recorded. */
  groups(query: { status?: DeadLetterStatus; kind?: DeadLetterKind }): Promise<DeadLetterGroup[]>;
  /**
   * Moves an open dead letter to a final state and writes the audit entry in the same
   * transaction. For a delivery dead letter, `retried` puts the item back in its queue.
   * Returns false when the entry is not open (someone acted first).
   */
  act(id: number, status: Exclude<DeadLetterStatus, 'open'>, action: OperatorAction): Promise<boolean>;
  /**
   * Retries an open dead letter with a payload the operator corrected ("fix and resume"), and
   * writes the audit entry in the same transaction: action `dead-letter.fixed`, with the payload
   * before and after the edit in its `detail` (`PayloadEditDetail`), so the original stays
   * recoverable. The entry moves to `retried`.
   * - delivery: the item goes back to its queue carrying `payload` (fresh attempt budget, its
   *   place in the key's order kept). Throws, changing nothing, when the item is not dead.
   * - flow: the flow is not touched here; a flow waiting for an operator receives the payload
   *   through the resolution event the caller publishes (`runtime/flows/operator.ts`). The
   *   previous payload is the one the flow offered for editing (`context.payload`).
   * Returns false when the entry is not open (someone acted first).
   */
  retryWithPayload(id: number, payload: unknown, action: OperatorAction): Promise<boolean>;
}

/** The audit action of `retryWithPayload`: retried with a payload the operator edited. */
export const PAYLOAD_FIXED_ACTION = 'dead-letter.fixed';

/** What the audit entry of a fix keeps: enough to see (and restore) what the operator changed. */
export interface PayloadEditDetail {
  payloadEdited: true;
  previousPayload: unknown;
  payload: unknown;
}

export interface DeadLetterGroup {
  target: string;
  /** The system's error code, or the failure type when there is none. */
  errorCode: string;
  count: number;
  /** When the group's first entry (`oldestId`) was recorded. */
  oldestAt: number;
  oldestId: number;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  subject: string;
  reason: string;
  /** Facts beyond who, what and why (e.g. the payload before an edit); absent for most actions. */
  detail?: Record<string, unknown>;
}

export interface AuditStore {
  record(entry: Omit<AuditEntry, 'id'>): Promise<number>;
  list(query: { subject?: string; limit?: number }): Promise<AuditEntry[]>;
}

// ── flows and timers ─────────────────────────────────────────────────────────────────────

export const FlowStatus = {
  running: 'running',
  waiting: 'waiting',
  completed: 'completed',
  failed: 'failed',
  compensated: 'compensated',
} as const;
export type FlowStatus = (typeof FlowStatus)[keyof typeof FlowStatus];

/** One journaled step result: a finished step is never run again on resume. */
export interface JournalEntry {
  step: string;
  /** The step's result (JSON), when it succeeded. */
  result?: unknown;
  error?: SerializedFailure;
  at: number;
}

export interface WaitCondition {
  /** The journal name the awaited event will be stored under. */
  step: string;
  eventType: string;
  /** Business key (event subject) that must match. */
  key: string;
  /** When the wait gives up (ms since epoch), if ever. */
  deadline: number | null;
}

export interface FlowInstance {
  id: string;
  flow: string;
  key: string;
  status: FlowStatus;
  input: unknown;
  journal: JournalEntry[];
  waiting: WaitCondition | null;
  correlationId: string | null;
  traceparent: string | null;
  error: SerializedFailure | null;
  createdAt: number;
  updatedAt: number;
  /** Optimistic concurrency: every update must name the version it read. */
  version: number;
}

/** A flow instance changed since it was read (or was created meanwhile): another runner got there first. */
export class FlowVersionConflict extends Error {
  constructor(id: string, version: number) {
    super(`flow instance ${id} is no longer at version ${version}; another runner changed it`);
    this.name = 'FlowVersionConflict';
  }
}

export type NewFlowInstance = Omit<FlowInstance, 'version' | 'updatedAt' | 'journal' | 'waiting' | 'error' | 'status'> &
  Partial<Pick<FlowInstance, 'journal' | 'waiting' | 'error' | 'status'>>;

export interface FlowStore {
  /**
   * Creates the instance unless one with this id exists; returns whether it was created. The
   * runtime creates an instance with its first durable state (first journaled step, first wait,
   * or completion), so a flow that completes in one pass costs one write. Created at version 1.
   */
  create(instance: NewFlowInstance): Promise<boolean>;
  get(id: string): Promise<FlowInstance | undefined>;
  /** Appends a journal entry; fails with a conflict when `version` is not current. */
  appendJournal(id: string, entry: JournalEntry, version: number): Promise<number>;
  /** Sets status / waiting / error; returns the new version, or throws on a version conflict. */
  update(id: string, patch: Partial<Pick<FlowInstance, 'status' | 'waiting' | 'error' | 'input'>>, version: number, now: number): Promise<number>;
  /** Waiting instances whose condition matches an event type and one of the keys. */
  findWaiting(eventType: string, keys: readonly string[]): Promise<FlowInstance[]>;
  /** Oldest first. `keyPrefix`: keys starting with it (`SKU-1@`), an index range. */
  list(query: { status?: FlowStatus; flow?: string; key?: string; keyPrefix?: string; correlationId?: string; limit?: number }): Promise<FlowInstance[]>;
  /** How many instances are in a status (optionally of one flow), without loading them. */
  count(query: { status: FlowStatus; flow?: string }): Promise<number>;
  /** Per flow name (in name order), the newest `updatedAt` of its instances: when it last moved (data freshness). */
  lastUpdates(): Promise<{ flow: string; updatedAt: number }[]>;
  /** Instances still `running` (a crash interrupted them), to resume on start. */
  unfinished(limit: number): Promise<FlowInstance[]>;
}

export interface Timer {
  id: string;
  /** Flow instance it belongs to. */
  flowId: string;
  /** Journal step it completes when it fires. */
  step: string;
  fireAt: number;
}

export interface TimerStore {
  /** Arms a timer; arming the same id again moves it. */
  arm(timer: Timer): Promise<void>;
  cancel(id: string): Promise<void>;
  /** Takes due timers with a lease, so only one worker fires each. */
  claimDue(options: ClaimOptions): Promise<Timer[]>;
  /** Removes a fired timer. */
  done(id: string): Promise<void>;
  nextFireAt(): Promise<number | undefined>;
  /** The next timers to fire (claimed ones included, with their lease), soonest first: what a flow is waiting for. */
  upcoming(limit: number): Promise<(Timer & { leaseUntil: number | null })[]>;
  /**
   * Frees every claimed timer (its worker died before firing it), answering how many: only safe
   * when no other worker shares the storage (the embedded mode).
   */
  recover(): Promise<number>;
}

// ── idempotency and cross-references ─────────────────────────────────────────────────────

export type IdempotencyClaim =
  | { state: 'new' }
  /** Another attempt holds it and has not finished (or crashed holding it before `expiresAt`). */
  | { state: 'in_progress'; expiresAt: number }
  | { state: 'completed'; result: unknown }
  /** The key was used with a different request fingerprint: a caller bug, never a retry. */
  | { state: 'mismatch' };

export interface IdempotencyStore {
  /**
   * Records the intent to perform `key` in `scope` before calling a system that cannot dedupe
   * by itself. `fingerprint` identifies the request body.
   */
  claim(options: { scope: string; key: string; fingerprint: string; now: number; leaseMs: number }): Promise<IdempotencyClaim>;
  complete(options: { scope: string; key: string; result: unknown; now: number }): Promise<void>;
  /** Lets a failed attempt be retried with the same key. */
  abandon(options: { scope: string; key: string }): Promise<void>;
}

export interface CrossReference {
  entity: string;
  hubId: string;
  system: string;
  externalId: string;
}

export interface XrefStore {
  /** Links a hub id to a system's id; idempotent; a conflicting link is an error. */
  link(ref: CrossReference, now: number): Promise<void>;
  externalId(options: { entity: string; hubId: string; system: string }): Promise<string | undefined>;
  hubId(options: { entity: string; system: string; externalId: string }): Promise<string | undefined>;
  /** Every system id known for a hub id. */
  all(options: { entity: string; hubId: string }): Promise<CrossReference[]>;
}

// ── watermarks ───────────────────────────────────────────────────────────────────────────

/**
 * Where a delta poller has read up to (e.g. a SystemModstamp and the last record id). It is
 * saved after the events read are in the log, so a crash re-reads a little, and the log's
 * deduplication by event id turns that into no re-emission.
 */
export interface WatermarkStore {
  get(name: string): Promise<string | undefined>;
  /** Saves a new watermark; refuses to move it when `expected` is not the current one. */
  advance(options: { name: string; value: string; expected: string | undefined; now: number }): Promise<boolean>;
}

// ── records (read models) ────────────────────────────────────────────────────────────────

/**
 * A canonical record the hub keeps as a read model: the newest known product, price, stock
 * level, customer, order, invoice... Flows validate and decide against it instead of asking
 * the ERP on every event (which would spend the ERP's scarce concurrency on reads).
 */
export interface StoredRecord<T = unknown> {
  /** Canonical entity name: `product`, `price`, `inventory-level`, `customer`, `order`... */
  entity: string;
  /** Business key: sku, sku@location, customer hub id, order number... */
  key: string;
  data: T;
  /** Orders writes: a write with a version not above the stored one is ignored. */
  version: number;
  /** Secondary keys the record is found by, e.g. `email:ana@example.com`, `phone:+4915...`. */
  matchKeys: readonly string[];
  updatedAt: number;
}

export interface RecordStore {
  /**
   * Stores the record when its version is newer than the stored one (or none is stored).
   * Returns false when a newer or equal version was already there (out-of-order delivery).
   */
  put(record: { entity: string; key: string; data: unknown; version: number; matchKeys?: readonly string[] }, now: number): Promise<boolean>;
  get<T = unknown>(entity: string, key: string): Promise<StoredRecord<T> | undefined>;
  /** The records of `keys` that exist, in no particular order. */
  getMany<T = unknown>(entity: string, keys: readonly string[]): Promise<StoredRecord<T>[]>;
  /** Records having any of `matchKeys`, ordered by key. */
  match<T = unknown>(entity: string, matchKeys: readonly string[]): Promise<StoredRecord<T>[]>;
  /** Records of an entity in key order, after `afterKey`: for paging and backfills. */
  list<T = unknown>(entity: string, options: { afterKey?: string; limit: number }): Promise<StoredRecord<T>[]>;
  remove(entity: string, key: string): Promise<boolean>;
  count(entity: string): Promise<number>;
}

// ── schedules ────────────────────────────────────────────────────────────────────────────

export interface ScheduleStore {
  /**
   * Takes the run of job `name` that is due at `dueAt`, if nobody has. Exactly one worker
   * wins each due time, which is how one leader runs a schedule across workers. The winner
   * holds the run for `leaseMs` (renewed while it runs); a run whose holder died — its lease
   * ran out before it finished — can be taken again for the same due time, so a crash mid-run
   * does not stop the schedule for good.
   */
  tryAcquire(options: { name: string; dueAt: number; owner: string; now: number; leaseMs: number }): Promise<boolean>;
  /** Extends the holder's lease of a run in progress; false when it is no longer the holder. */
  renew(options: { name: string; dueAt: number; owner: string; leaseUntil: number }): Promise<boolean>;
  /** Records that the run finished and when it should run next. */
  finish(options: { name: string; dueAt: number; nextDueAt: number | null; outcome: 'ok' | 'failed'; error?: string; now: number }): Promise<void>;
  /**
   * Ends the leases of runs left unfinished by other owners, so they can be taken at once: only
   * safe when no other worker shares the storage (the embedded mode), like delivery's `recover`.
   * Answers how many runs it freed.
   */
  recoverAbandoned(options: { owner: string }): Promise<number>;
  /** The last recorded next-due time, so a restart does not skip or repeat a run. */
  nextDue(name: string): Promise<number | undefined>;
  list(): Promise<ScheduleState[]>;
}

export interface ScheduleState {
  name: string;
  lastDueAt: number | null;
  lastOutcome: 'ok' | 'failed' | null;
  lastError: string | null;
  nextDueAt: number | null;
  owner: string | null;
  /** When the last run started and finished (ms); a run in progress has finishedAt before startedAt, or null. */
  startedAt: number | null;
  finishedAt: number | null;
  /** Until when the run in progress is held (renewed while it runs); null when none is. */
  leaseUntil: number | null;
}
