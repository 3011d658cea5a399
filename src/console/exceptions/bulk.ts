import type { AuditStore, DeadLetterQuery, DeadLetterStore } from '../../ports/storage.ts';
import type { OperatorDecisions } from './actions.ts';
import { ACTION_STATUS, BULK_CHUNK, type ActionResult, type BulkMatchingResult, type ExceptionAction, type MatchingCount, type MatchingFilter } from './schemas.ts';

/** How many of the results that were not done a bulk answer lists. */
const SHOWN_PROBLEMS = 20;

function openMatching(filter: MatchingFilter): Omit<DeadLetterQuery, 'afterId' | 'limit'> {
  return {
    status: 'open',
    ...(filter.kind && { kind: filter.kind }),
    ...(filter.target && { target: filter.target }),
    ...(filter.key && { key: filter.key }),
    ...(filter.errorCode && { errorCode: filter.errorCode }),
  };
}

/**
 * How many open exceptions match `filter`, and the newest of them: what an operator confirms
 * before acting on all of them. The newest id is read first and the count bounded by it, so the
 * two always describe the same entries.
 */
export async function countMatching(store: DeadLetterStore, filter: MatchingFilter): Promise<MatchingCount> {
  const query = openMatching(filter);
  const [newest] = await store.list({ ...query, newestFirst: true, limit: 1 });
  if (!newest) return { count: 0, upToId: null, filter };
  return { count: await store.count({ ...query, throughId: newest.id }), upToId: newest.id, filter };
}

export type BulkMatchingOutcome =
  | { outcome: 'done'; result: BulkMatchingResult }
  /** The confirmed count is no longer true beyond the exceptions that arrived since: nothing was done. */
  | { outcome: 'count-changed'; expectedCount: number; stillOpen: number; arrivedSince: number; matching: MatchingCount };

export interface BulkMatchingRequest {
  filter: MatchingFilter;
  action: ExceptionAction;
  actor: string;
  reason: string;
  /** What the operator confirmed: `count` of `countMatching`. */
  expectedCount: number;
  /** The `upToId` that count came with; without it, the newest matching entry now. */
  upToId?: number | undefined;
  chunkSize?: number;
}

/**
 * Retries, resolves or discards every open exception matching a filter (a group is target +
 * error code): after an ERP outage, "retry all 25,000 USER_ERROR of the ERP" in one action.
 *
 * What the operator saw is what is acted on. The confirmation carries the count shown and the
 * newest id it covered (`upToId`). Exceptions that arrived since (ids above `upToId`: the ERP is
 * perhaps still failing) are never included, only reported (`arrivedSince`). The action is
 * refused, changing nothing, unless the exceptions up to `upToId` that are still open number
 * exactly `expectedCount`: i.e. unless the count now differs from the confirmed one by exactly
 * the arrivals. Any other difference (a colleague or a flow settled some meanwhile) is answered
 * with the new count, for the operator to confirm again.
 *
 * Each exception goes through the same decision as a single action (`OperatorDecisions.act`: one
 * audited `deadLetters.act` per entry, a waiting flow told). Entries are read and acted on in
 * chunks of `chunkSize` by id, so 100,000 never hold one transaction or one array; one more
 * audit entry (`dead-letters.bulk-<status>`) records the filter and the counts.
 */
export async function actOnMatching(
  ports: { deadLetters: DeadLetterStore; audit: AuditStore; decisions: OperatorDecisions; clock: () => number },
  request: BulkMatchingRequest,
): Promise<BulkMatchingOutcome> {
  const { deadLetters, decisions, clock } = ports;
  const started = clock();
  const query = openMatching(request.filter);
  const upToId = request.upToId ?? (await countMatching(deadLetters, request.filter)).upToId ?? 0;
  const [stillOpen, matchingNow] = await Promise.all([deadLetters.count({ ...query, throughId: upToId }), deadLetters.count(query)]);
  const arrivedSince = Math.max(0, matchingNow - stillOpen);
  if (stillOpen !== request.expectedCount) {
    return { outcome: 'count-changed', expectedCount: request.expectedCount, stillOpen, arrivedSince, matching: await countMatching(deadLetters, request.filter) };
  }

  const status = ACTION_STATUS[request.action];
  const tally = { done: 0, notOpen: 0, notFound: 0, undelivered: 0 };
  const problems: ActionResult[] = [];
  const chunkSize = request.chunkSize ?? BULK_CHUNK;
  let afterId = 0;
  for (;;) {
    const chunk = await deadLetters.list({ ...query, afterId, throughId: upToId, limit: chunkSize });
    if (chunk.length === 0) break;
    // Side by side within a chunk: each is its own audited write, and the embedded store
    // commits the writes of one turn together, so a chunk costs a few commits, not 500.
    const results = await Promise.all(chunk.map((entry) => decisions.act(entry.id, request.action, request.actor, request.reason)));
    for (const result of results) {
      if (result.outcome === 'done') tally.done++;
      else {
        if (result.outcome === 'not-open') tally.notOpen++;
        else if (result.outcome === 'not-found') tally.notFound++;
        else tally.undelivered++;
        if (problems.length < SHOWN_PROBLEMS) problems.push(result);
      }
    }
    afterId = chunk[chunk.length - 1]!.id;
    if (chunk.length < chunkSize) break;
  }

  const result: BulkMatchingResult = {
    action: request.action,
    filter: request.filter,
    upToId,
    matched: stillOpen,
    ...tally,
    arrivedSince,
    problems,
    tookMs: Math.max(0, clock() - started),
  };
  // Each exception has its own entry; this one says they were one decision, and on what filter.
  const detail = { filter: request.filter, upToId, matched: stillOpen, ...tally, arrivedSince };
  await ports.audit.record({ at: clock(), actor: request.actor, action: `dead-letters.bulk-${status}`, subject: 'dead-letters:bulk', reason: request.reason.trim(), detail });
  return { outcome: 'done', result };
}
