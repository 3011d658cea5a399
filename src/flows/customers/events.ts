import type { CloudEvent } from '../../canonical/cloudevent.ts';

/**
 * The hub's own customer events (not retail data events: their data is a merge, not a
 * Customer). `unmerge-requested` is how the console asks the customer flow to undo a merge:
 * the flow does it in turn with every other customer change, never beside one.
 */
export const CustomerSyncEvent = {
  /** Two golden customers were found to be one and merged; subject: the survivor's hub id. */
  merged: 'crossdock.customer.merged.v1',
  /** A merge was undone; subject: the survivor's hub id. */
  unmerged: 'crossdock.customer.unmerged.v1',
  /** An operator asked to undo a merge; subject: the merge id. */
  unmergeRequested: 'crossdock.customer.unmerge-requested.v1',
} as const;

export interface UnmergeRequest {
  mergeId: string;
  actor: string;
  reason: string;
}

/** The event the console publishes when an operator undoes a merge. */
export function unmergeRequestedEvent(request: UnmergeRequest & { requestId: string; now: number }): CloudEvent {
  return {
    specversion: '1.0',
    id: `unmerge-requested/${request.mergeId}/${request.requestId}`,
    source: 'crossdock://console',
    type: CustomerSyncEvent.unmergeRequested,
    subject: request.mergeId,
    time: new Date(request.now).toISOString(),
    datacontenttype: 'application/json',
    data: { mergeId: request.mergeId, actor: request.actor, reason: request.reason } satisfies UnmergeRequest,
  };
}
