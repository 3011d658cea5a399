import { Type, type Static } from '@sinclair/typebox';
import { DeadLetterKind, DeadLetterStatus } from '../../ports/storage.ts';
import { ConsoleErrorCode } from '../errors.ts';

export const ExceptionAction = { retry: 'retry', resolve: 'resolve', discard: 'discard' } as const;
export type ExceptionAction = (typeof ExceptionAction)[keyof typeof ExceptionAction];

/** The dead-letter status each operator action leads to. */
export const ACTION_STATUS = { retry: 'retried', resolve: 'resolved', discard: 'discarded' } as const satisfies Record<ExceptionAction, DeadLetterStatus>;

export const MAX_PAGE = 200;
export const MAX_BULK = 500;

/** The filters of the list, also those of a bulk action by filter. */
const filterFields = {
  kind: Type.Optional(Type.Enum(DeadLetterKind)),
  target: Type.Optional(Type.String({ minLength: 1, description: 'Delivery target role, or flow name for flow exceptions.' })),
  key: Type.Optional(Type.String({ minLength: 1, description: 'Business key: order number, return number, sku@location, customer id.' })),
  errorCode: Type.Optional(Type.String({ minLength: 1, description: "The target system's error code, e.g. REQUIRED_FIELD_MISSING." })),
};

export const ExceptionListQuery = Type.Object({
  status: Type.Union([Type.Enum(DeadLetterStatus), Type.Literal('all')], { default: 'open' }),
  ...filterFields,
  afterId: Type.Optional(Type.Integer({ minimum: 0, description: 'Cursor: `nextAfterId` of the previous page.' })),
  limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50 }),
});
export type ExceptionListQuery = Static<typeof ExceptionListQuery>;

export const ExceptionSummary = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.Enum(DeadLetterKind),
    status: Type.Enum(DeadLetterStatus),
    target: Type.String(),
    key: Type.String(),
    businessKey: Type.String(),
    entity: Type.Union([Type.String(), Type.Null()]),
    errorCode: Type.String(),
    errorMessage: Type.String(),
    errorField: Type.Union([Type.String(), Type.Null()]),
    system: Type.Union([Type.String(), Type.Null()]),
    summary: Type.String({ description: 'One sentence in business words.' }),
    correlationId: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
    ageMs: Type.Number(),
    context: Type.Unknown({ description: 'Business context recorded with the failure (order number, customer, amount, store).' }),
  },
  { $id: 'ExceptionSummary' },
);
export type ExceptionSummary = Static<typeof ExceptionSummary>;

export const ExceptionPageSchema = Type.Object({
  items: Type.Array(ExceptionSummary),
  nextAfterId: Type.Union([Type.Integer(), Type.Null()]),
  total: Type.Union([Type.Integer(), Type.Null()], { description: 'Matching entries (every filter is an index range).' }),
  scanned: Type.Integer(),
});

export const GroupsQuery = Type.Object({
  status: Type.Union([Type.Enum(DeadLetterStatus), Type.Literal('all')], { default: 'open' }),
  kind: Type.Optional(Type.Enum(DeadLetterKind)),
});

export const ExceptionGroupsSchema = Type.Object({
  groups: Type.Array(
    Type.Object({
      target: Type.String(),
      errorCode: Type.String(),
      count: Type.Integer(),
      oldestAt: Type.Number(),
      example: Type.String(),
      exampleId: Type.Integer(),
    }),
  ),
  total: Type.Integer(),
  complete: Type.Boolean({ description: 'False when counting stopped at its limit; counts are then lower bounds.' }),
  computedAt: Type.Number(),
});

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const ActionParams = Type.Object({ id: Type.Integer({ minimum: 1 }), action: Type.Enum(ExceptionAction) });
export const Reason = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'Why; kept in the audit log.' });
export const ActionBody = Type.Object({ reason: Reason });
export const BulkBody = Type.Object({
  ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: MAX_BULK, uniqueItems: true }),
  action: Type.Enum(ExceptionAction),
  reason: Reason,
});

export const ActionOutcome = Type.Union([
  Type.Literal('done'),
  Type.Literal('not-open'),
  Type.Literal('not-found'),
  Type.Literal('undelivered', { description: 'Recorded, but the flow waiting for the decision could not be told (the event log refused it).' }),
]);
export const ActionResult = Type.Object({
  id: Type.Integer(),
  outcome: ActionOutcome,
  status: Type.Union([Type.Enum(DeadLetterStatus), Type.Null()], { description: 'The entry status after the request.' }),
  message: Type.String(),
});
export type ActionResult = Static<typeof ActionResult>;
export const BulkResult = Type.Object({ results: Type.Array(ActionResult), done: Type.Integer(), skipped: Type.Integer() });

/** Chunk size of a bulk action by filter: each chunk is a handful of short transactions, not one giant one. */
export const BULK_CHUNK = 500;

/** Which open exceptions a bulk action by filter covers: the list's filters (a group is target + error code). */
export const MatchingFilter = Type.Object(filterFields, { additionalProperties: false });
export type MatchingFilter = Static<typeof MatchingFilter>;

export const MatchingCount = Type.Object({
  count: Type.Integer({ description: 'Open exceptions matching the filter now.' }),
  upToId: Type.Union([Type.Integer(), Type.Null()], { description: 'The newest of them: pass it with `count` as `expectedCount` to act on exactly these.' }),
  filter: MatchingFilter,
});
export type MatchingCount = Static<typeof MatchingCount>;

export const BulkMatchingBody = Type.Object({
  action: Type.Enum(ExceptionAction),
  reason: Reason,
  filter: MatchingFilter,
  expectedCount: Type.Integer({ minimum: 1, description: 'How many the operator confirmed (`count` of GET exceptions/matching).' }),
  upToId: Type.Optional(Type.Integer({ minimum: 1, description: 'The `upToId` that count came with. Without it, `expectedCount` must match the count now.' })),
});

export const BulkMatchingResult = Type.Object({
  action: Type.Enum(ExceptionAction),
  filter: MatchingFilter,
  upToId: Type.Integer(),
  /** What the operator confirmed and was acted on. */
  matched: Type.Integer(),
  done: Type.Integer(),
  notOpen: Type.Integer({ description: 'Someone (or a flow) acted on them while this ran: left alone.' }),
  notFound: Type.Integer(),
  undelivered: Type.Integer({ description: 'Recorded, but the waiting flow could not be told (the event log refused the event).' }),
  arrivedSince: Type.Integer({ description: 'Matching exceptions newer than `upToId`: not acted on; look at them and act again.' }),
  problems: Type.Array(ActionResult, { description: 'The first 20 that were not done, with why.' }),
  tookMs: Type.Number(),
});
export type BulkMatchingResult = Static<typeof BulkMatchingResult>;

/** 409: the count the operator confirmed is no longer true (beyond exceptions that arrived since). */
export const CountChangedSchema = Type.Object({
  error: Type.Object({ code: Type.Literal(ConsoleErrorCode.countChanged), message: Type.String() }),
  expectedCount: Type.Integer(),
  /** Of the exceptions the operator saw (ids up to `upToId`), how many are still open. */
  stillOpen: Type.Integer(),
  arrivedSince: Type.Integer(),
  /** The count now, to confirm again. */
  matching: MatchingCount,
});
export type CountChanged = Static<typeof CountChangedSchema>;

export const FixBody = Type.Object({
  payload: Type.Unknown({ description: 'The corrected payload (any JSON), replacing the one shown as `editable.payload`.' }),
  reason: Reason,
});

/** 400 for a corrected payload the canonical schema refuses: every offending field, the first one named. */
export const InvalidPayloadSchema = Type.Object({
  error: Type.Object({
    code: Type.Literal('INVALID_PAYLOAD'),
    message: Type.String(),
    field: Type.String({ description: 'The first offending field, dotted: `lines[0].quantity`.' }),
    issues: Type.Array(Type.Object({ path: Type.String({ description: 'JSON Pointer' }), field: Type.String(), reason: Type.String(), code: Type.String() })),
  }),
});

export const ExceptionDetail = Type.Object({
  exception: ExceptionSummary,
  error: Type.Unknown({ description: 'The failure as recorded: type, code, field, system, message, details.' }),
  /** The delivery item (with its current queue status) or the flow instance (with its journal). */
  subject: Type.Union([
    Type.Object({ kind: Type.Literal('delivery'), item: Type.Unknown() }),
    Type.Object({ kind: Type.Literal('flow'), instance: Type.Unknown() }),
    Type.Object({ kind: Type.Literal('missing'), ref: Type.String() }),
  ]),
  now: Type.String({ description: 'Where the business object stands now, in words.' }),
  /** What an operator may correct before resuming; null when nothing is editable. */
  editable: Type.Union([
    Type.Object({
      payload: Type.Unknown(),
      entity: Type.Union([Type.String(), Type.Null()], { description: 'The canonical entity a corrected payload is checked against.' }),
    }),
    Type.Null(),
  ]),
  history: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Type.Number(),
      actor: Type.String(),
      action: Type.String(),
      reason: Type.String(),
      detail: Type.Optional(Type.Unknown({ description: 'For `dead-letter.fixed`: the payload before and after the edit.' })),
    }),
  ),
});
