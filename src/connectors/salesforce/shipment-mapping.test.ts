import { describe, expect, it } from 'vitest';
import { sampleShipment } from '../../canonical/fixtures.ts';
import { loadSalesforceMappings } from './mappings.ts';

const mapping = loadSalesforceMappings()['shipment.to-salesforce'];

describe('Shipment__c mapping', () => {
  it('shows every milestone agents follow as a status: warehouse, carrier, delivery, exception', async () => {
    const status = async (milestones: string[]) =>
      (await mapping.apply(sampleShipment({ milestones: milestones.map((milestone, index) => ({ milestone, occurredAt: `2026-11-23T0${index}:00:00Z` })) as never }))).Status__c;
    expect(await status([])).toBe('Pending');
    expect(await status(['picked'])).toBe('Picked');
    expect(await status(['picked', 'packed'])).toBe('Packed');
    expect(await status(['picked', 'packed', 'handed-to-carrier'])).toBe('Shipped');
    expect(await status(['handed-to-carrier', 'delivered'])).toBe('Delivered');
    expect(await status(['picked', 'exception'])).toBe('Exception');
  });
});
