/** An Account Id: the Account key prefix 001, then 12 characters, and the optional 3-character case suffix. */
const ACCOUNT_ID = /^001[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?$/;

/**
 * The Salesforce Account Id a canonical customer names in `externalIds.salesforce`, if any.
 * A customer the Account poller read from an Account Salesforce created itself (no
 * External_Id__c) carries its Id there; writing that customer back must update that Account by
 * Id, because an upsert by External_Id__c would not find it and would create a second Account.
 * Only 15- or 18-character ids with the Account prefix count: anything else (a Contact id, a
 * placeholder) leaves the write an upsert by external id, as before.
 */
export function accountIdOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const externalIds = (payload as { externalIds?: unknown }).externalIds;
  if (typeof externalIds !== 'object' || externalIds === null) return undefined;
  const id = (externalIds as Record<string, unknown>).salesforce;
  return typeof id === 'string' && ACCOUNT_ID.test(id) ? id : undefined;
}
