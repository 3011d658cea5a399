import { sampleCustomer } from '../../canonical/fixtures.ts';
import type { Customer } from '../../canonical/customer.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox, SalesforceSandboxOptions } from '../../sandboxes/salesforce/index.ts';
import { deliveryItem } from '../conformance/harness.ts';
import { createSalesforceConnector, type SalesforceConnector, type SalesforceConnectorOptions } from './index.ts';

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
