import type { CloudEvent } from '../../../canonical/cloudevent.ts';
import type { Customer } from '../../../canonical/customer.ts';
import { createRetailEvent } from '../../../canonical/events/create-event.ts';
import type { RecordStore } from '../../../ports/storage.ts';
import type { RetailFlowDependencies } from '../../module.ts';
import { createOwnership } from '../../ownership.ts';
import { flowSettings } from '../../settings.ts';

/** The sandbox installation's roles. */
export const SYSTEMS = { erp: 'netsuite', crm: 'salesforce', commerce: 'shopify', wms: 'wms', payments: 'payments' } as const;

/** Jane Doe as a system reports her; pass what differs. */
export function profile(overrides: Partial<Customer> & Pick<Customer, 'sourceSystem' | 'sourceTimestamp'>): Customer {
  return {
    hubId: 'CUST-0001',
    externalIds: {},
    version: 1,
    schemaVersion: 1,
    partyType: 'person',
    name: { given: 'Jane', family: 'Doe', full: 'Jane Doe' },
    emails: [{ address: 'jane.doe@example.com', use: 'personal', primary: true }],
    phones: [{ number: '+13125550101', type: 'mobile', primary: true }],
    addresses: [],
    consents: {},
    ...overrides,
  };
}

let sequence = 0;

/** The event a connector would publish for the profile (`time` defaults to its source timestamp). */
export function customerEvent(customer: Customer, options: { type?: 'retail.customer.created.v1' | 'retail.customer.updated.v1'; id?: string; time?: string } = {}): CloudEvent {
  sequence += 1;
  return createRetailEvent({
    type: options.type ?? 'retail.customer.updated.v1',
    data: customer,
    source: `crossdock://test/${customer.sourceSystem}`,
    id: options.id ?? `${customer.sourceSystem}-${sequence}`,
    time: options.time ?? customer.sourceTimestamp,
  });
}

/** Flow dependencies on a record store, with the sandbox installation's roles and default rules. */
export function unitDeps(records: RecordStore, options: { ownership?: Record<string, string>; settings?: unknown; now?: () => number } = {}): RetailFlowDependencies {
  return {
    records,
    settings: flowSettings(options.settings ?? {}),
    ownership: createOwnership(options.ownership),
    systems: SYSTEMS,
    clock: options.now ?? Date.now,
  };
}
