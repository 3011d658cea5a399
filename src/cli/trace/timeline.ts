import type { Bus, LoggedEvent } from '../../ports/bus.ts';
import type { DeadLetter, DeliveryItem, FlowInstance, Storage } from '../../ports/storage.ts';

export const HopKind = { event: 'event', flow: 'flow', step: 'step', delivery: 'delivery', deadLetter: 'dead-letter' } as const;
export type HopKind = (typeof HopKind)[keyof typeof HopKind];

/** One hop of a change's journey: when, where, what happened, and how long it took. */
export interface Hop {
  at: number;
  kind: HopKind;
  /** The source system, flow or delivery target. */
  system: string;
  /** Event type, step name or operation, with its business key. */
  what: string;
  outcome: string;
  /** Time this hop took, where the records say (ingest delay, queue-to-delivered time). */
  latencyMs?: number;
  correlationId?: string;
}

export interface Timeline {
  query: string;
  /** How the query matched: as a business key, as a correlation id, or both. */
  matchedAs: ('business key' | 'correlation id')[];
  correlationIds: string[];
  hops: Hop[];
}

/** Correlation ids found through a business key are followed this far (a hot sku has many). */
const MAX_FOLLOWED_CORRELATIONS = 25;
const PER_QUERY_LIMIT = 500;

/**
 * Everything the hub recorded about a business key or a correlation id, as one timeline:
 * events in the log, flow instances and their journaled steps, delivery items and dead letters.
 * A business key also pulls in what shares its correlation ids (an order's shipment events).
 */
export async function buildTimeline(ports: { bus: Bus; storage: Storage }, query: string): Promise<Timeline> {
  const { bus, storage } = ports;
  const [bySubject, flowsByKey, deliveriesByKey, deadByKey] = await Promise.all([
    bus.find({ subject: query, limit: PER_QUERY_LIMIT }),
    storage.flows.list({ key: query, limit: PER_QUERY_LIMIT }),
    storage.delivery.find({ key: query, limit: PER_QUERY_LIMIT }),
    storage.deadLetters.list({ key: query, limit: PER_QUERY_LIMIT }),
  ]);
  const matchedAs: Timeline['matchedAs'] = [];
  if (bySubject.length + flowsByKey.length + deliveriesByKey.length + deadByKey.length > 0) matchedAs.push('business key');

  const correlationIds = new Set<string>([query]);
  for (const { event } of bySubject) if (typeof event.correlationid === 'string') correlationIds.add(event.correlationid);
  for (const record of [...flowsByKey, ...deliveriesByKey, ...deadByKey]) if (record.correlationId) correlationIds.add(record.correlationId);
  const followed = [...correlationIds].slice(0, MAX_FOLLOWED_CORRELATIONS + 1);

  const events = new Map<number, LoggedEvent>(bySubject.map((entry) => [entry.seq, entry]));
  const flows = new Map<string, FlowInstance>(flowsByKey.map((flow) => [flow.id, flow]));
  const deliveries = new Map<number, DeliveryItem>(deliveriesByKey.map((item) => [item.id, item]));
  const deadLetters = new Map<number, DeadLetter>(deadByKey.map((entry) => [entry.id, entry]));
  for (const correlationId of followed) {
    const [moreEvents, moreFlows, moreDeliveries, moreDead] = await Promise.all([
      bus.find({ correlationId, limit: PER_QUERY_LIMIT }),
      storage.flows.list({ correlationId, limit: PER_QUERY_LIMIT }),
      storage.delivery.find({ correlationId, limit: PER_QUERY_LIMIT }),
      storage.deadLetters.list({ correlationId, limit: PER_QUERY_LIMIT }),
    ]);
    if (correlationId === query && moreEvents.length + moreFlows.length + moreDeliveries.length + moreDead.length > 0) matchedAs.push('correlation id');
    for (const entry of moreEvents) events.set(entry.seq, entry);
    for (const flow of moreFlows) flows.set(flow.id, flow);
    for (const item of moreDeliveries) deliveries.set(item.id, item);
    for (const entry of moreDead) deadLetters.set(entry.id, entry);
  }

  const hops = [
    ...[...events.values()].map(eventHop),
    ...[...flows.values()].flatMap(flowHops),
    ...[...deliveries.values()].flatMap(deliveryHops),
    ...[...deadLetters.values()].map(deadLetterHop),
  ].sort((a, b) => a.at - b.at || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  correlationIds.delete(query);
  if (matchedAs.includes('correlation id')) correlationIds.add(query);
  return { query, matchedAs, correlationIds: [...correlationIds], hops };
}

const KIND_ORDER: readonly HopKind[] = ['event', 'flow', 'step', 'delivery', 'dead-letter'];

function eventHop({ event, seq, loggedAt }: LoggedEvent): Hop {
  const occurred = event.time ? Date.parse(event.time) : NaN;
  return {
    at: loggedAt,
    kind: HopKind.event,
    system: event.source,
    what: `${event.type}${event.subject ? ` ${event.subject}` : ''}`,
    outcome: `logged #${seq}`,
    ...(Number.isFinite(occurred) && loggedAt >= occurred && { latencyMs: loggedAt - occurred }),
    ...(typeof event.correlationid === 'string' && { correlationId: event.correlationid }),
  };
}

function flowHops(flow: FlowInstance): Hop[] {
  const correlation = flow.correlationId ? { correlationId: flow.correlationId } : {};
  const status = flow.error ? `${flow.status}: ${flow.error.code ?? flow.error.type}: ${flow.error.message}` : flow.status;
  const hops: Hop[] = [{ at: flow.createdAt, kind: HopKind.flow, system: `flow ${flow.flow}`, what: `instance ${flow.id}`, outcome: `started (now ${status})`, ...correlation }];
  let previous = flow.createdAt;
  for (const entry of flow.journal) {
    hops.push({
      at: entry.at,
      kind: HopKind.step,
      system: `flow ${flow.flow}`,
      what: `step ${entry.step}`,
      outcome: entry.error ? `failed: ${entry.error.code ?? entry.error.type}: ${entry.error.message}` : 'done',
      latencyMs: Math.max(0, entry.at - previous),
      ...correlation,
    });
    previous = entry.at;
  }
  if (flow.waiting) {
    const until = flow.waiting.deadline ? ` until ${new Date(flow.waiting.deadline).toISOString()}` : '';
    hops.push({ at: flow.updatedAt, kind: HopKind.step, system: `flow ${flow.flow}`, what: `step ${flow.waiting.step}`, outcome: `waiting for ${flow.waiting.eventType} ${flow.waiting.key}${until}`, ...correlation });
  }
  return hops;
}

function deliveryHops(item: DeliveryItem): Hop[] {
  const correlation = item.correlationId ? { correlationId: item.correlationId } : {};
  const what = `${item.operation} ${item.key}`;
  const hops: Hop[] = [{ at: item.enqueuedAt, kind: HopKind.delivery, system: item.target, what, outcome: `queued (${item.kind}, item #${item.id})`, ...correlation }];
  // `attempts` counts tries, the one that succeeded included.
  const tries = `${item.attempts} ${item.attempts === 1 ? 'try' : 'tries'}`;
  const lastError = item.lastError ? `${item.lastError.code ?? item.lastError.type}: ${item.lastError.message}` : '';
  if (item.deliveredAt !== null) {
    const external = item.externalId ? `, ${item.target} id ${item.externalId}` : '';
    hops.push({ at: item.deliveredAt, kind: HopKind.delivery, system: item.target, what, outcome: `delivered${item.attempts > 1 ? ` on try ${item.attempts}` : ''}${external}`, latencyMs: item.deliveredAt - item.enqueuedAt, ...correlation });
  } else if (item.status === 'pending' && item.attempts > 0) {
    hops.push({ at: item.availableAt, kind: HopKind.delivery, system: item.target, what, outcome: `retry due (${tries} so far; last: ${lastError})`, ...correlation });
  } else if (item.status === 'pending' || item.status === 'in_flight') {
    hops[0]!.outcome += item.status === 'in_flight' ? ', being delivered now' : ', waiting in the queue';
  }
  return hops;
}

function deadLetterHop(entry: DeadLetter): Hop {
  return {
    at: entry.createdAt,
    kind: HopKind.deadLetter,
    system: entry.target,
    what: `${entry.kind} ${entry.key}`,
    outcome: `dead letter #${entry.id} (${entry.status}): ${entry.error.code ?? entry.error.type}: ${entry.error.message}`,
    ...(entry.correlationId && { correlationId: entry.correlationId }),
  };
}
