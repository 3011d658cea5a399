import { describe, expect, it } from 'vitest';
import { sampleOrder } from '../../canonical/fixtures.ts';
import { loadSalesforceMappings } from './mappings.ts';

const mapping = loadSalesforceMappings()['order.to-salesforce'];

describe('Order mapping', () => {
  it('writes why an order was held or rerouted into the Description agents read, and nothing without a reason', async () => {
    const rerouted = sampleOrder({ statusReason: { code: 'PICKUP_REROUTED', message: 'STORE-001 cannot fulfil it; pickup moved to STORE-002' } });
    expect((await mapping.apply(rerouted)).Description).toBe('PICKUP_REROUTED: STORE-001 cannot fulfil it; pickup moved to STORE-002');
    const { statusReason: _none, ...plain } = sampleOrder();
    expect(await mapping.apply(plain)).not.toHaveProperty('Description');
  });
});
