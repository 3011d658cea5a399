import { sampleCustomer } from '../../canonical/fixtures.ts';
import type { Customer } from '../../canonical/customer.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox, SalesforceSandboxOptions } from '../../sandboxes/salesforce/index.ts';
import { deliveryItem } from '../conformance/harness.ts';
import { createSalesforceConnector, SALESFORCE_API_VERSION, type SalesforceConnector, type SalesforceConnectorOptions } from './index.ts';

/** A sandbox org and a connector configured against it as a user would: login URL + connected app. */
export async function connectedSandbox(
  sandboxOptions: SalesforceSandboxOptions = {},
  connectorOptions: Partial<SalesforceConnectorOptions> = {},
): Promise<{ sandbox: SalesforceSandbox; connector: SalesforceConnector }> {
  const sandbox = await startSalesforceSandbox(sandboxOptions);
  const connector = createSalesforceConnector({
    loginUrl: sandbox.url,
    credentials: { flow: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET },
    ...connectorOptions,
  });
  return { sandbox, connector };
}

let nextCustomer = 0;

/** A person customer with a fresh hub id. */
export function customer(overrides: Partial<Customer> = {}): Customer {
  nextCustomer++;
  return sampleCustomer({ hubId: `cus_test_${nextCustomer}`, ...overrides });
}

export function customerItem(value: Customer, role = 'crm'): DeliveryItem {
  return deliveryItem({ target: role, kind: 'state', key: value.hubId, operation: 'upsertCustomer', payload: value, idempotencyKey: `upsertCustomer:${value.hubId}:${value.version}` });
}

/** Records of an object the sandbox holds, read in process (not counted against the org's calls). */
export function records(sandbox: SalesforceSandbox, object: string): Record<string, unknown>[] {
  return (sandbox.org.store.snapshot()[object] ?? []) as Record<string, unknown>[];
}

export function recordByExternalId(sandbox: SalesforceSandbox, object: string, externalId: string): Record<string, unknown> | undefined {
  return records(sandbox, object).find((record) => String(record.External_Id__c).toLowerCase() === externalId.toLowerCase());
}

export interface KeyedOrderLine {
  pricebookEntryId: string;
  quantity: number;
  unitPrice: number;
}

/**
 * A B2B order keyed by a sales rep over the REST API, as the traffic generator's `b2b-order`
 * does (src/sandboxes/traffic/perform-orders.ts): one Composite call creating the Draft Order in
 * the standard price book, its order products, and activating it (unless `activate: false`).
 * `reference` goes to External_Id__c, as the traffic generator sets it. Answers the Order id.
 */
export async function keyB2bOrder(
  sandbox: SalesforceSandbox,
  order: { accountId: string; reference?: string; lines: readonly KeyedOrderLine[]; activate?: boolean; fields?: Record<string, unknown> },
): Promise<string> {
  const base = `/services/data/v${SALESFORCE_API_VERSION}/sobjects`;
  const compositeRequest = [
    {
      method: 'POST', url: `${base}/Order`, referenceId: 'newOrder',
      body: {
        AccountId: order.accountId, EffectiveDate: '2026-11-23', Status: 'Draft', Pricebook2Id: sandbox.org.standardPricebookId, Type: 'B2B',
        ...(order.reference !== undefined && { PoNumber: `PO-${order.reference}`, External_Id__c: order.reference }),
        ...order.fields,
      },
    },
    ...order.lines.map((line, index) => ({
      method: 'POST', url: `${base}/OrderItem`, referenceId: `line${index + 1}`,
      body: { OrderId: '@{newOrder.id}', Quantity: line.quantity, UnitPrice: line.unitPrice, PricebookEntryId: line.pricebookEntryId },
    })),
    ...(order.activate === false ? [] : [{ method: 'PATCH', url: `${base}/Order/@{newOrder.id}`, referenceId: 'activate', body: { Status: 'Activated' } }]),
  ];
  const response = await fetch(`${sandbox.url}/services/data/v${SALESFORCE_API_VERSION}/composite`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sandbox.createSession()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ allOrNone: true, compositeRequest }),
  });
  const answer = (await response.json()) as { compositeResponse?: { referenceId: string; httpStatusCode: number; body: unknown }[] };
  const failed = answer.compositeResponse?.find((part) => part.httpStatusCode >= 400);
  if (!response.ok || !answer.compositeResponse || failed) throw new Error(`keying the order failed: ${response.status} ${JSON.stringify(failed ?? answer)}`);
  return (answer.compositeResponse.find((part) => part.referenceId === 'newOrder')!.body as { id: string }).id;
}

/** The standard price book entry of a SKU (Product2 ProductCode or StockKeepingUnit), read in process. */
export function pricebookEntryIdOf(sandbox: SalesforceSandbox, sku: string): string {
  const product = records(sandbox, 'Product2').find((record) => record.StockKeepingUnit === sku || record.ProductCode === sku);
  const entry = records(sandbox, 'PricebookEntry').find((record) => record.Product2Id === product?.Id && record.Pricebook2Id === sandbox.org.standardPricebookId);
  if (!entry) throw new Error(`no standard price book entry for ${sku}`);
  return String(entry.Id);
}
