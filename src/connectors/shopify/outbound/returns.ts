import type { DeliveryItem } from '../../../ports/storage.ts';
import type { ItemOutcome } from '../../../runtime/delivery/target.ts';
import type { ShopifyGraphQLClient } from '../client.ts';
import { refusedLocally, userErrorFailure } from '../failures.ts';
import type { ShopifyUserError } from '../failures.ts';
import type { CallOptions } from '../references.ts';

/**
 * The merchant's side of Shopify's Returns API for a customer's return request
 * (https://shopify.dev/docs/apps/build/orders-fulfillment/returns-apps): approve it
 * (`returnApproveRequest`, REQUESTED → OPEN), decline it with a reason (`returnDeclineRequest`,
 * REQUESTED → DECLINED) and close it once dealt with (`returnClose`, OPEN → CLOSED).
 * None takes an idempotency key, so each first reads the return's status and does nothing when
 * the return is already where the command would take it: a redelivery after a lost answer is a
 * success, not an INVALID_STATE.
 */

/** The payload of `approveReturn` and `closeReturn`. */
export interface ReturnReference {
  /** The Shopify Return, gid (`gid://shopify/Return/123`) or numeric id. */
  returnId: string;
}

/** https://shopify.dev/docs/api/admin-graphql/latest/enums/ReturnDeclineReason */
export const ReturnDeclineReason = { returnPeriodEnded: 'RETURN_PERIOD_ENDED', finalSale: 'FINAL_SALE', other: 'OTHER' } as const;
export type ReturnDeclineReason = (typeof ReturnDeclineReason)[keyof typeof ReturnDeclineReason];

/** "Maximum length: 500 characters" (ReturnDeclineRequestInput.declineNote). */
export const DECLINE_NOTE_MAX = 500;

/** The payload of `declineReturn`. */
export interface ReturnDecline extends ReturnReference {
  reason: ReturnDeclineReason;
  /** Shown to the customer; cut to 500 characters. */
  note?: string;
  /** Email the customer (Shopify default: false; only when the order has an email). */
  notifyCustomer?: boolean;
}

type ReturnStatus = 'REQUESTED' | 'OPEN' | 'DECLINED' | 'CLOSED' | 'CANCELED';

const RETURN_STATUS = `query ReturnStatus($id: ID!) { return(id: $id) { id status } }`;
const APPROVE = `mutation ApproveReturn($input: ReturnApproveRequestInput!) { returnApproveRequest(input: $input) { return { id status } userErrors { field message code } } }`;
const DECLINE = `mutation DeclineReturn($input: ReturnDeclineRequestInput!) { returnDeclineRequest(input: $input) { return { id status } userErrors { field message code } } }`;
const CLOSE = `mutation CloseReturn($id: ID!) { returnClose(id: $id) { return { id status } userErrors { field message code } } }`;

/** Shopify's gid for a return given as a gid or as its numeric id. */
export function returnGid(id: string | number): string {
  return String(id).startsWith('gid://') ? String(id) : `gid://shopify/Return/${id}`;
}

interface Command {
  operation: 'returnApproveRequest' | 'returnDeclineRequest' | 'returnClose';
  /** The statuses in which there is nothing left to do. */
  done: readonly ReturnStatus[];
  /** The status the mutation starts from. */
  from: ReturnStatus;
  send(client: ShopifyGraphQLClient, id: string, call: CallOptions): Promise<{ userErrors: ShopifyUserError[] }>;
}

const APPROVE_COMMAND: Command = {
  operation: 'returnApproveRequest',
  // Closed: it was approved and dealt with already.
  done: ['OPEN', 'CLOSED'],
  from: 'REQUESTED',
  send: async (client, id, call) => (await client.request<{ returnApproveRequest: { userErrors: ShopifyUserError[] } }>(APPROVE, { ...call, variables: { input: { id } } })).returnApproveRequest,
};

const CLOSE_COMMAND: Command = {
  operation: 'returnClose',
  // Declined or cancelled: nothing of it is open either.
  done: ['CLOSED', 'DECLINED', 'CANCELED'],
  from: 'OPEN',
  send: async (client, id, call) => (await client.request<{ returnClose: { userErrors: ShopifyUserError[] } }>(CLOSE, { ...call, variables: { id } })).returnClose,
};

function declineCommand(request: ReturnDecline): Command {
  const note = request.note === undefined ? undefined : request.note.slice(0, DECLINE_NOTE_MAX);
  return {
    operation: 'returnDeclineRequest',
    done: ['DECLINED'],
    from: 'REQUESTED',
    send: async (client, id, call) =>
      (
        await client.request<{ returnDeclineRequest: { userErrors: ShopifyUserError[] } }>(DECLINE, {
          ...call,
          variables: { input: { id, declineReason: request.reason, ...(note !== undefined && { declineNote: note }), notifyCustomer: request.notifyCustomer ?? false } },
        })
      ).returnDeclineRequest,
  };
}

export async function approveReturn(options: { item: DeliveryItem; client: ShopifyGraphQLClient; call: CallOptions }): Promise<ItemOutcome> {
  const id = returnIdOf(options.item);
  return typeof id === 'string' ? moveReturn({ ...options, id, command: APPROVE_COMMAND }) : id;
}

export async function closeReturn(options: { item: DeliveryItem; client: ShopifyGraphQLClient; call: CallOptions }): Promise<ItemOutcome> {
  const id = returnIdOf(options.item);
  return typeof id === 'string' ? moveReturn({ ...options, id, command: CLOSE_COMMAND }) : id;
}

export async function declineReturn(options: { item: DeliveryItem; client: ShopifyGraphQLClient; call: CallOptions }): Promise<ItemOutcome> {
  const id = returnIdOf(options.item);
  if (typeof id !== 'string') return id;
  const request = options.item.payload as ReturnDecline;
  if (!(Object.values(ReturnDeclineReason) as string[]).includes(request.reason)) {
    return { ok: false, error: refusedLocally({ code: 'INVALID_PAYLOAD', field: 'reason', message: `declineReturn ${options.item.key}: reason must be one of ${Object.values(ReturnDeclineReason).join(', ')}, not ${String(request.reason)}` }) };
  }
  return moveReturn({ ...options, id, command: declineCommand(request) });
}

function returnIdOf(item: DeliveryItem): string | ItemOutcome {
  const returnId = (item.payload as Partial<ReturnReference> | null)?.returnId;
  if (typeof returnId !== 'string' && typeof returnId !== 'number') {
    return { ok: false, error: refusedLocally({ code: 'INVALID_PAYLOAD', field: 'returnId', message: `${item.operation} ${item.key}: needs the Shopify returnId` }) };
  }
  return returnGid(returnId);
}

/**
 * Reads the return, then sends the mutation only when it is in the status the mutation starts
 * from. A return already past it answers success; one elsewhere (approving a DECLINED return) is
 * refused for good with Shopify's own INVALID_STATE. A mutation refused INVALID_STATE because
 * someone moved the return between the read and the write is judged again on a second read.
 */
async function moveReturn(options: { item: DeliveryItem; client: ShopifyGraphQLClient; call: CallOptions; id: string; command: Command }): Promise<ItemOutcome> {
  const { item, client, call, id, command } = options;
  for (let attempt = 1; ; attempt++) {
    const data = await client.request<{ return: { id: string; status: ReturnStatus } | null }>(RETURN_STATUS, { ...call, variables: { id } });
    if (!data.return) return { ok: false, error: refusedLocally({ code: 'NOT_FOUND', field: 'returnId', message: `Shopify has no return ${id} (${item.operation} ${item.key})` }) };
    const status = data.return.status;
    if (command.done.includes(status)) return { ok: true, externalId: data.return.id };
    if (status !== command.from) {
      return {
        ok: false,
        error: refusedLocally({ code: 'INVALID_STATE', field: 'returnId', message: `Shopify return ${id} is ${status}: ${command.operation} needs it ${command.from} (${item.operation} ${item.key})` }),
      };
    }
    const { userErrors } = await command.send(client, id, call);
    const [userError] = userErrors;
    if (!userError) return { ok: true, externalId: id };
    if (userError.code !== 'INVALID_STATE' || attempt > 1) return { ok: false, error: userErrorFailure(userError, { operation: command.operation, businessKey: item.key }) };
  }
}
