import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { Bus, LoggedEvent } from '../../ports/bus.ts';
import type { DeadLetter, DeliveryItem, FlowInstance, Storage } from '../../ports/storage.ts';
import { errorLabel, systemName } from '../exceptions/describe.ts';
import { traceLookups, TraceMatch, type TraceLookup } from './search.ts';

export const TraceHopKind = { event: 'event', flow: 'flow', step: 'step', delivery: 'delivery', deadLetter: 'dead-letter' } as const;
export type TraceHopKind = (typeof TraceHopKind)[keyof typeof TraceHopKind];

export const TraceOutcome = { ok: 'ok', failed: 'failed', waiting: 'waiting', info: 'info' } as const;
export type TraceOutcome = (typeof TraceOutcome)[keyof typeof TraceOutcome];

/** One hop of a change's journey, structured for the console's timeline. */
export interface TraceHop {
  at: number;
  kind: TraceHopKind;
  /** Source system, flow or delivery target, as a person names it. */
  system: string;
  title: string;
  outcome: TraceOutcome;
  detail: string;
  latencyMs: number | null;
  externalId: string | null;
  correlationId: string | null;
  /** Set on dead-letter hops, to open the exception. */
  exceptionId: number | null;
  /**
   * The W3C trace id (from the `traceparent` the event, flow instance or delivery item carries),
   * to open the same work in Jaeger or Tempo; null when it carries none.
   */
  traceId: string | null;
  /** The event's data (events only); masked when the trace is built with `maskEvent`. */
  data?: unknown;
}

export interface Trace {
  query: string;
  matchedAs: TraceMatch[];
  /** The business keys (and `sku@…` prefixes) that found something: e.g. a customer's hub id and orders for an e-mail. */
  keys: string[];
  correlationIds: string[];
  hops: TraceHop[];
  /** True when a record limit was reached: the oldest or newest hops may be missing. */
  truncated: boolean;
}

/** Correlation ids found through a business key are followed this far (a hot sku has many). */
const MAX_FOLLOWED_CORRELATIONS = 25;
const PER_QUERY_LIMIT = 500;
/** Keys one search term stands for that are looked up (a customer's ids and latest orders). */
const MAX_LOOKUPS = 25;

interface Records {
  events: Map<number, LoggedEvent>;
  flows: Map<string, FlowInstance>;
  deliveries: Map<number, DeliveryItem>;
  deadLetters: Map<number, DeadLetter>;
}

/**
 * Everything the hub recorded about a search term as one timeline: events, flow instances and
 * their journaled steps, delivery items and dead letters. The term is a business key (event
 * subject: order number, return number, customer id, sku@location), a bare sku (every location),
 * a customer's e-mail, or a correlation id (see `traceLookups` for how each is found, all by
 * index). A business key also pulls in what shares its correlation ids (an order's shipment and
 * invoice). `crossdock trace` (src/cli/commands/trace.ts) prints the same trace as text.
 */
export async function buildTrace(ports: { bus: Bus; storage: Storage }, query: string, options: { maskEvent?: (event: CloudEvent) => CloudEvent } = {}): Promise<Trace> {
  const { bus, storage } = ports;
  const records: Records = { events: new Map(), flows: new Map(), deliveries: new Map(), deadLetters: new Map() };
  let truncated = false;
  const add = (found: [LoggedEvent[], FlowInstance[], DeliveryItem[], DeadLetter[]]) => {
    const [events, flows, deliveries, deadLetters] = found;
    if ([events, flows, deliveries, deadLetters].some((list) => list.length >= PER_QUERY_LIMIT)) truncated = true;
    for (const entry of events) records.events.set(entry.seq, entry);
    for (const flow of flows) records.flows.set(flow.id, flow);
    for (const item of deliveries) records.deliveries.set(item.id, item);
    for (const entry of deadLetters) records.deadLetters.set(entry.id, entry);
    return events.length + flows.length + deliveries.length + deadLetters.length;
  };
  const matchedAs: Trace['matchedAs'] = [];
  const keys: string[] = [];
  const lookups = await traceLookups(storage.records, query);
  if (lookups.length > MAX_LOOKUPS) truncated = true;
  for (const lookup of lookups.slice(0, MAX_LOOKUPS)) {
    if (add(await findByKey(ports, lookup)) === 0) continue;
    keys.push('key' in lookup ? lookup.key : `${lookup.keyPrefix}…`);
    if (!matchedAs.includes(lookup.as)) matchedAs.push(lookup.as);
  }

  const correlationIds = new Set<string>([query]);
  for (const { event } of records.events.values()) if (typeof event.correlationid === 'string') correlationIds.add(event.correlationid);
  for (const record of [...records.flows.values(), ...records.deliveries.values(), ...records.deadLetters.values()]) {
    if (record.correlationId) correlationIds.add(record.correlationId);
  }
  const followed = [...correlationIds];
  if (followed.length > MAX_FOLLOWED_CORRELATIONS + 1) truncated = true;
  for (const correlationId of followed.slice(0, MAX_FOLLOWED_CORRELATIONS + 1)) {
    const found = await Promise.all([
      bus.find({ correlationId, limit: PER_QUERY_LIMIT }),
      storage.flows.list({ correlationId, limit: PER_QUERY_LIMIT }),
      storage.delivery.find({ correlationId, limit: PER_QUERY_LIMIT }),
      storage.deadLetters.list({ correlationId, limit: PER_QUERY_LIMIT }),
    ]);
    if (add(found) > 0 && correlationId === query) matchedAs.push(TraceMatch.correlationId);
  }
  correlationIds.delete(query);
  if (matchedAs.includes(TraceMatch.correlationId)) correlationIds.add(query);

  const hops = [
    ...[...records.events.values()].map((logged) => eventHop(options.maskEvent ? { ...logged, event: options.maskEvent(logged.event) } : logged)),
    ...[...records.flows.values()].flatMap(flowHops),
    ...[...records.deliveries.values()].flatMap(deliveryHops),
    // A delivery exception carries the trace of its item.
    ...[...records.deadLetters.values()].map((entry) => deadLetterHop(entry, entry.kind === 'delivery' ? records.deliveries.get(Number(entry.ref))?.traceparent : null)),
  ].sort((a, b) => a.at - b.at || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  return { query, matchedAs, keys, correlationIds: [...correlationIds], hops, truncated };
}

function findByKey(ports: { bus: Bus; storage: Storage }, lookup: TraceLookup): Promise<[LoggedEvent[], FlowInstance[], DeliveryItem[], DeadLetter[]]> {
  const { bus, storage } = ports;
  const limit = PER_QUERY_LIMIT;
  if ('key' in lookup) {
    const key = lookup.key;
    return Promise.all([bus.find({ subject: key, limit }), storage.flows.list({ key, limit }), storage.delivery.find({ key, limit }), storage.deadLetters.list({ key, limit })]);
  }
  const keyPrefix = lookup.keyPrefix;
  return Promise.all([bus.find({ subjectPrefix: keyPrefix, limit }), storage.flows.list({ keyPrefix, limit }), storage.delivery.find({ keyPrefix, limit }), storage.deadLetters.list({ keyPrefix, limit })]);
}

/** The trace id of a W3C `traceparent` (`00-<trace id>-<parent id>-<flags>`), or null. */
export function traceIdOf(traceparent: unknown): string | null {
  if (typeof traceparent !== 'string') return null;
  const match = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(traceparent.trim().toLowerCase());
  // All zeros is the invalid trace id (https://www.w3.org/TR/trace-context/#trace-id).
  return match && !/^0+$/.test(match[1]!) ? match[1]! : null;
}

const KIND_ORDER: readonly TraceHopKind[] = ['event', 'flow', 'step', 'delivery', 'dead-letter'];

function hop(partial: Pick<TraceHop, 'at' | 'kind' | 'system' | 'title' | 'outcome' | 'detail'> & Partial<TraceHop>): TraceHop {
  return { latencyMs: null, externalId: null, correlationId: null, exceptionId: null, traceId: null, ...partial };
}

/**
 * The system an event came from. Crossdock's own sources name it last
 * (`crossdock://netsuite`, `crossdock://connectors/shopify`); other URIs by their host.
 */
export function sourceName(source: string): string {
  const crossdock = /^crossdock:\/\/(.+)$/i.exec(source);
  if (crossdock) return systemName(crossdock[1]!.split('/').filter(Boolean).pop() ?? source);
  const host = /^[a-z][a-z0-9+.-]*:\/\/([^/]+)/i.exec(source);
  return systemName(host?.[1] ?? source);
}

function eventHop({ event, seq, loggedAt }: LoggedEvent): TraceHop {
  const occurred = event.time ? Date.parse(event.time) : NaN;
  return hop({
    at: loggedAt,
    kind: TraceHopKind.event,
    system: sourceName(event.source),
    title: `${event.type}${event.subject ? ` ${event.subject}` : ''}`,
    outcome: TraceOutcome.ok,
    detail: `logged as #${seq}${Number.isFinite(occurred) ? `, ${Math.max(0, loggedAt - occurred)} ms after it happened` : ''}`,
    latencyMs: Number.isFinite(occurred) && loggedAt >= occurred ? loggedAt - occurred : null,
    correlationId: typeof event.correlationid === 'string' ? event.correlationid : null,
    traceId: traceIdOf(event.traceparent),
    data: event.data,
  });
}

function flowHops(flow: FlowInstance): TraceHop[] {
  const correlationId = flow.correlationId;
  const traceId = traceIdOf(flow.traceparent);
  const failed = flow.status === 'failed' || flow.status === 'compensated';
  const hops = [
    hop({
      at: flow.createdAt,
      kind: TraceHopKind.flow,
      system: `flow ${flow.flow}`,
      title: `started for ${flow.key}`,
      outcome: failed ? TraceOutcome.failed : flow.status === 'waiting' || flow.status === 'running' ? TraceOutcome.waiting : TraceOutcome.ok,
      detail: `now ${flow.status}${flow.error ? `: ${errorLabel(flow.error)}: ${flow.error.message}` : ''}`,
      correlationId,
      traceId,
    }),
  ];
  let previous = flow.createdAt;
  for (const entry of flow.journal) {
    hops.push(
      hop({
        at: entry.at,
        kind: TraceHopKind.step,
        system: `flow ${flow.flow}`,
        title: `step ${entry.step}`,
        outcome: entry.error ? TraceOutcome.failed : TraceOutcome.ok,
        detail: entry.error ? `failed: ${errorLabel(entry.error)}: ${entry.error.message}` : 'done',
        latencyMs: Math.max(0, entry.at - previous),
        correlationId,
        traceId,
      }),
    );
    previous = entry.at;
  }
  if (flow.waiting) {
    const until = flow.waiting.deadline ? ` until ${new Date(flow.waiting.deadline).toISOString()}` : '';
    hops.push(
      hop({ at: flow.updatedAt, kind: TraceHopKind.step, system: `flow ${flow.flow}`, title: `step ${flow.waiting.step}`, outcome: TraceOutcome.waiting, detail: `waiting for ${flow.waiting.eventType} ${flow.waiting.key}${until}`, correlationId, traceId }),
    );
  }
  return hops;
}

function deliveryHops(item: DeliveryItem): TraceHop[] {
  const system = systemName(item.target);
  const title = `${item.operation} ${item.key}`;
  const correlationId = item.correlationId;
  const traceId = traceIdOf(item.traceparent);
  const lastError = item.lastError ? `${errorLabel(item.lastError)}: ${item.lastError.message}` : '';
  const queued = hop({ at: item.enqueuedAt, kind: TraceHopKind.delivery, system, title, outcome: TraceOutcome.info, detail: `queued for ${system} (${item.kind}, item #${item.id})`, correlationId, traceId });
  if (item.deliveredAt !== null) {
    const tries = item.attempts > 1 ? ` on try ${item.attempts}${lastError ? ` (earlier: ${lastError})` : ''}` : '';
    return [
      queued,
      hop({
        at: item.deliveredAt,
        kind: TraceHopKind.delivery,
        system,
        title,
        outcome: TraceOutcome.ok,
        detail: `delivered${tries}${item.externalId ? `; ${system} id ${item.externalId}` : ''}`,
        latencyMs: item.deliveredAt - item.enqueuedAt,
        externalId: item.externalId,
        correlationId,
        traceId,
      }),
    ];
  }
  if (item.status === 'dead') return [queued]; // its dead letter tells the rest
  if (item.status === 'pending' && item.attempts > 0) {
    return [queued, hop({ at: item.availableAt, kind: TraceHopKind.delivery, system, title, outcome: TraceOutcome.waiting, detail: `retry due after ${item.attempts} failed ${item.attempts === 1 ? 'try' : 'tries'}; last: ${lastError}`, correlationId, traceId })];
  }
  queued.outcome = TraceOutcome.waiting;
  queued.detail += item.status === 'in_flight' ? ', being delivered now' : ', waiting in the queue';
  return [queued];
}

function deadLetterHop(entry: DeadLetter, traceparent: string | null | undefined): TraceHop {
  return hop({
    at: entry.createdAt,
    kind: TraceHopKind.deadLetter,
    system: entry.kind === 'flow' ? `flow ${entry.target}` : systemName(entry.target),
    title: `exception #${entry.id} for ${entry.key}`,
    outcome: entry.status === 'open' ? TraceOutcome.failed : TraceOutcome.info,
    detail: `${errorLabel(entry.error)}: ${entry.error.message} (${entry.status})`,
    correlationId: entry.correlationId,
    exceptionId: entry.id,
    traceId: traceIdOf(traceparent),
  });
}
