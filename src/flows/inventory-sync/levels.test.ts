import { describe, expect, it } from 'vitest';
import { sampleInventoryLevel } from '../../canonical/fixtures.ts';
import { createOwnership } from '../ownership.ts';
import { recordVersion } from '../reference/records.ts';
import { flowSettings } from '../settings.ts';
import { channelAvailable, channelLevel, inventoryOwnerAt, safetyStockOf, snapshotAwareVersion } from './levels.ts';

describe('inventory levels for the channels', () => {
  const settings = flowSettings({ inventory: { safetyStock: { default: 1, byChannel: { commerce: 2 } }, ownerByLocation: { 'DC-EAST': 'wms' } } });

  it('takes the owner of a location from its override, else from the inventory ownership rule', () => {
    expect(inventoryOwnerAt('DC-EAST', settings, createOwnership())).toBe('wms');
    expect(inventoryOwnerAt('STORE-001', settings, createOwnership())).toBe('erp');
    expect(inventoryOwnerAt('STORE-001', settings, createOwnership({ inventory: 'wms' }))).toBe('wms');
  });

  it('holds back each channel its safety stock (else the default) and never publishes below 0', () => {
    expect(safetyStockOf('commerce', settings)).toBe(2);
    expect(safetyStockOf('crm', settings)).toBe(1);
    expect(channelAvailable(10, 2)).toBe(8);
    expect(channelAvailable(1, 2)).toBe(0);
    expect(channelAvailable(-4, 0)).toBe(0);
    const level = sampleInventoryLevel({ available: 5, onHand: 7 });
    expect(channelLevel(level, 'commerce', settings)).toEqual({ ...level, available: 3 });
  });

  it('orders a hub snapshot before any change stamped in the same second, and changes by source time', () => {
    const snapshot = sampleInventoryLevel({ sourceTimestamp: '2026-11-23T08:00:00.700Z', version: 1 });
    const change = sampleInventoryLevel({ sourceTimestamp: '2026-11-23T08:00:00Z', version: 1 });
    expect(snapshotAwareVersion(snapshot, 'crossdock://initial-load/netsuite')).toBeLessThan(snapshotAwareVersion(change, 'crossdock://connectors/netsuite/1234567'));
    expect(snapshotAwareVersion(change, 'crossdock://connectors/netsuite/1234567')).toBe(recordVersion(change));
    const later = sampleInventoryLevel({ sourceTimestamp: '2026-11-23T08:00:01Z', version: 1 });
    expect(snapshotAwareVersion(later, 'x')).toBeGreaterThan(snapshotAwareVersion(change, 'x'));
  });
});
