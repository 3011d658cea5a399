import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../cloudevent.ts';
import { sampleCustomer, sampleOrder } from '../fixtures.ts';
import { createRetailEvent } from './create-event.ts';
import { maskEventPersonalData } from './mask-event.ts';

describe('maskEventPersonalData', () => {
  it('masks the data of a catalogue event by its schema and keeps the envelope', () => {
    const event = createRetailEvent({ type: 'retail.customer.updated.v1', data: sampleCustomer(), source: 'crossdock://test', correlationId: 'c-1' });
    const masked = maskEventPersonalData(event);
    expect(masked.data.emails[0]?.address).toBe('***@example.com');
    expect(masked.data.partyType).toBe('person');
    expect({ ...masked, data: undefined }).toEqual({ ...event, data: undefined });
    expect(event.data.emails[0]?.address).toBe('jane.doe@example.com');
    expect(JSON.stringify(masked)).not.toContain('jane.doe');
  });

  it('masks the whole data of an unknown event type, and binary data', () => {
    const unknown: CloudEvent = { specversion: '1.0', id: '1', source: 'x', type: 'vendor.thing.happened.v1', data: sampleOrder() };
    expect(maskEventPersonalData(unknown).data).toBe('***');
    const binary: CloudEvent = { specversion: '1.0', id: '2', source: 'x', type: 'retail.order.placed.v1', data_base64: 'amFuZQ==' };
    expect(maskEventPersonalData(binary).data_base64).toBe('***');
  });
});
