import { describe, expect, it } from 'vitest';
import { sourceName } from './timeline.ts';

describe('sourceName', () => {
  it('names the system of an event source', () => {
    expect(sourceName('crossdock://netsuite')).toBe('NetSuite');
    expect(sourceName('crossdock://connectors/shopify')).toBe('Shopify');
    expect(sourceName('crossdock://flows/order-capture')).toBe('order-capture');
    expect(sourceName('https://pos.store-042.example.com/events')).toBe('pos.store-042.example.com');
    expect(sourceName('/pos/store-042')).toBe('/pos/store-042');
  });
});
